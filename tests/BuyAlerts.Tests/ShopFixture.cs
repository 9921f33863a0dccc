namespace BuyAlerts.Tests;

/// <summary>One running shop shared by the tests of a class (each test signs up its own members).</summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private ShopServer? _server;

    public ShopServer Server => _server ?? throw new InvalidOperationException("The shop is not started.");

    public async Task InitializeAsync() => _server = await ShopServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
