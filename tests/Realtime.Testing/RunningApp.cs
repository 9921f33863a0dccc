using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Realtime.Testing;

/// <summary>
/// Starts a step's real app (its top-level <c>Program</c>) on Kestrel at <c>http://127.0.0.1:&lt;free port&gt;</c>,
/// with configuration overrides (short intervals, a temporary database) and its log lines sent to a
/// <see cref="Transcript"/>. A real server on a real port: browsers and official clients can connect to it.
/// </summary>
/// <typeparam name="TProgram">Any type of the step's assembly, usually its <c>Program</c>.</typeparam>
public sealed class RunningApp<TProgram> : IAsyncDisposable where TProgram : class
{
    private readonly WebApplicationFactory<TProgram> _factory;

    private RunningApp(WebApplicationFactory<TProgram> factory, Transcript log)
    {
        _factory = factory;
        Log = log;
    }

    /// <summary>The app's log lines (its own categories; ASP.NET Core's are left out), as <c>[log] message</c>.</summary>
    public Transcript Log { get; }

    /// <summary>The real address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    /// <summary>An HttpClient for the real address (not an in-memory test client).</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public static Task<RunningApp<TProgram>> StartAsync(
        IDictionary<string, string?>? settings = null,
        Transcript? log = null,
        Action<IWebHostBuilder>? configure = null,
        string environment = "Development")
    {
        log ??= new Transcript();
        var factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(new TranscriptLoggerProvider(log));
            });
            configure?.Invoke(builder);
        });
        factory.UseKestrel();
        factory.StartServer();
        var app = new RunningApp<TProgram>(factory, log);
        var server = factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        var address = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
        app.BaseAddress = new Uri(address.TrimEnd('/'));
        return Task.FromResult(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
    }
}
