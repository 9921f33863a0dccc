using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BuyAlerts.Hosting;

public static class ShopHosting
{
    /// <summary>
    /// The post's <c>http.listen(3000)</c>: listen on port 3000 unless an address is configured
    /// (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, Kestrel endpoints).
    /// </summary>
    public static WebApplicationBuilder UseDefaultPort(this WebApplicationBuilder builder, int port)
    {
        var configuration = builder.Configuration;
        var configured = !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!configured)
        {
            builder.WebHost.UseUrls($"http://localhost:{port}");
        }
        return builder;
    }

    /// <summary>Once listening, prints the post's line with the port actually used: <c>3000 포트로 서버가 열렸어요!</c></summary>
    public static WebApplication LogPortWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var address = addresses.FirstOrDefault();
            if (address is not null && Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                                                        .Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                app.Logger.LogInformation("{Port} 포트로 서버가 열렸어요!", uri.Port);
            }
        });
        return app;
    }
}
