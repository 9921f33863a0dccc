using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ConformanceHost;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1:&lt;free port&gt; with a Socket.IO server mapped at /socket.io.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, SocketIOServer io, Uri baseAddress, Transcript log)
    {
        _app = app;
        IO = io;
        BaseAddress = baseAddress;
        Log = log;
    }

    public SocketIOServer IO { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's log lines (Realtime.* categories).</summary>
    public Transcript Log { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the conformance host configuration, optionally changed by <paramref name="options"/> and extended by
    /// <paramref name="configure"/>. Two changes by default: the suites' 200 ms ping timeout and 1 s connect timeout
    /// become 5 s, because a pong within 200 ms, or a CONNECT within a second of the open packet, is more than a loaded
    /// two-core CI machine can promise to a test that is about something else (the Engine.IO tests do the same). A test
    /// about the heartbeat or the connect timeout sets them back in <paramref name="options"/>.
    /// </summary>
    public static Task<TestServer> StartConformanceAsync(Action<SocketIOServerOptions>? options = null, Action<SocketIOServer>? configure = null) =>
        StartAsync(o =>
        {
            ConformanceSocketIO.ConfigureOptions(o);
            o.PingTimeout = TimeSpan.FromSeconds(5);
            o.ConnectTimeout = TimeSpan.FromSeconds(5);
            options?.Invoke(o);
        }, io => { ConformanceSocketIO.Configure(io); configure?.Invoke(io); });

    public static async Task<TestServer> StartAsync(Action<SocketIOServerOptions>? options, Action<SocketIOServer> configure, Action<WebApplication>? pipeline = null)
    {
        var log = new Transcript();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new TranscriptLoggerProvider(log));
        builder.Services.AddSocketIO(o => options?.Invoke(o));
        var app = builder.Build();
        pipeline?.Invoke(app);
        var io = app.MapSocketIO();
        configure(io);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, io, new Uri(address), log);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
