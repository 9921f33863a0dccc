using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Workshop.Hosting;

namespace Workshop.Hosting.Tests;

/// <summary>
/// Which port a step listens on: the post's, unless an address is configured (README.md of Workshop.Hosting).
/// Each test starts a real Kestrel, waits for <see cref="WorkshopHosting.OnListening"/> and sends a request to the
/// port it reports. The tests of one class run one after the other, so the environment variable test is alone.
/// </summary>
public sealed class PortPrecedenceTests
{
    [Fact]
    public async Task Without_configuration_the_posts_port_is_used()
    {
        var post = FreePort();

        var on = await StartAsync([], post);

        Assert.Equal(post, on.Port);
        Assert.Equal($"http://localhost:{post}", on.Urls);
    }

    [Fact]
    public async Task Urls_on_the_command_line_win()
    {
        var (post, urls) = (FreePort(), FreePort());

        var on = await StartAsync(["--urls", $"http://127.0.0.1:{urls}"], post);

        Assert.Equal(urls, on.Port);
        Assert.Equal($"http://127.0.0.1:{urls}", on.Urls);
    }

    [Fact]
    public async Task Port_zero_reports_the_port_the_system_picked()
    {
        var on = await StartAsync(["--urls", "http://127.0.0.1:0"], FreePort());

        Assert.NotEqual(0, on.Port);
        Assert.Equal($"http://127.0.0.1:{on.Port}", on.Urls);
    }

    [Fact]
    public async Task ASPNETCORE_HTTP_PORTS_wins()
    {
        var (post, ports) = (FreePort(), FreePort());
        Environment.SetEnvironmentVariable("ASPNETCORE_HTTP_PORTS", ports.ToString(CultureInfo.InvariantCulture));
        try
        {
            var on = await StartAsync([], post);

            Assert.Equal(ports, on.Port);
            Assert.DoesNotContain($":{post}", on.Urls, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_HTTP_PORTS", null);
        }
    }

    [Fact]
    public async Task Kestrel_endpoints_in_configuration_win()
    {
        var (post, endpoint) = (FreePort(), FreePort());

        var on = await StartAsync([$"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{endpoint}"], post);

        Assert.Equal(endpoint, on.Port);
        Assert.Equal($"http://127.0.0.1:{endpoint}", on.Urls);
    }

    /// <summary>Starts an app as a step's Program.cs does, answers one request on the reported port, stops.</summary>
    private static async Task<Listening> StartAsync(string[] args, int postPort)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseWorkshopDefaults(port: postPort);
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/", () => "ok");
        var listening = new TaskCompletionSource<Listening>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.OnListening(listening.SetResult);

        await app.StartAsync();
        var on = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient();
        Assert.Equal("ok", await http.GetStringAsync($"http://127.0.0.1:{on.Port}/"));
        await app.StopAsync();
        return on;
    }

    /// <summary>A port nothing listens on right now (the system picks it; the listener lets it go at once).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
