using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Realtime.Testing;

/// <summary>
/// The start-up shared by the small servers a test builds itself (a library's AddX/MapX, not a step's Program, which
/// <see cref="RunningApp{TProgram}"/> starts): a slim <see cref="WebApplication"/> on real Kestrel at 127.0.0.1, its
/// log lines in a <see cref="Transcript"/>, and the address Kestrel bound once it runs.
/// </summary>
public static class LocalKestrel
{
    /// <summary>
    /// A builder for <c>http://127.0.0.1:<paramref name="port"/></c> (0: a free port) whose log lines (not ASP.NET
    /// Core's) go to <paramref name="log"/> as <c>[log] message</c>; <paramref name="environment"/> names the host
    /// environment (by default ASPNETCORE_ENVIRONMENT's, else Production).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(Transcript log, int port = 0, string? environment = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders().AddProvider(new TranscriptLoggerProvider(log));
        return builder;
    }

    /// <summary>Starts <paramref name="app"/> and returns where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }
}
