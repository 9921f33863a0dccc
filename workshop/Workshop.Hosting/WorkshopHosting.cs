using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Workshop.Hosting;

/// <summary>
/// The start every web step shares, so that its <c>Program.cs</c> keeps only what its post teaches:
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.UseWorkshopDefaults(port: 3000);                  // const port = 3000
/// ...
/// app.OnListening(on => app.Logger.LogInformation("Server is connected on {Port}", on.Port));
/// app.Run();                                               // server.listen(port, () => console.log(...))
/// </code>
/// </summary>
public static class WorkshopHosting
{
    /// <summary>
    /// Logs one line per message with the time (<c>HH:mm:ss</c>), like the posts' <c>console.log</c>, and listens on
    /// <c>http://localhost:<paramref name="port"/></c> unless an address is configured: <c>--urls</c> /
    /// <c>ASPNETCORE_URLS</c>, <c>--http_ports</c> / <c>ASPNETCORE_HTTP_PORTS</c> (and the https ones), or Kestrel
    /// endpoints (<c>Kestrel:Endpoints</c> in appsettings.json). Any of those wins over the post's port.
    /// </summary>
    public static WebApplicationBuilder UseWorkshopDefaults(this WebApplicationBuilder builder, int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        if (!HasConfiguredAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls($"http://localhost:{port}");
        }
        return builder;
    }

    /// <summary>
    /// Runs <paramref name="listening"/> once Kestrel has bound its addresses (the callback of Node's
    /// <c>server.listen(port, callback)</c>), with the port really in use: the configured one, or the one the system
    /// picked for port 0.
    /// </summary>
    public static WebApplication OnListening(this WebApplication app, Action<Listening> listening)
    {
        ArgumentNullException.ThrowIfNull(listening);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = app.Urls.ToArray();
            var first = urls.Select(Parse).FirstOrDefault(u => u is not null);
            listening(new Listening(first?.Port ?? 0, string.Join(", ", urls)));
        });
        return app;
    }

    /// <summary>What ASP.NET Core itself reads to choose its addresses (the keys of <see cref="WebHostDefaults"/>).</summary>
    private static bool HasConfiguredAddress(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>A bound address as a <see cref="Uri"/>; "every interface" (<c>+</c>, <c>*</c>) read as localhost.</summary>
    private static Uri? Parse(string address) =>
        Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                             .Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri
            : null;
}

/// <summary>Where the app listens once started.</summary>
/// <param name="Port">The port of the first address, e.g. <c>3000</c>.</param>
/// <param name="Urls">Every bound address, comma-separated, e.g. <c>http://localhost:3000</c>.</param>
public readonly record struct Listening(int Port, string Urls);
