using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ConformanceHost;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1 with a Socket.IO server mapped at /socket.io, for every Socket.IO test: the raw-wire
/// tests start the conformance configuration (<see cref="StartConformanceAsync"/>), the server API and interop tests an
/// app's defaults (<see cref="StartWithDefaultsAsync"/>), on a given port and with pages beside /socket.io where they
/// need them.
/// </summary>
public sealed class SocketIOTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private SocketIOTestHost(WebApplication app, SocketIOServer io, Uri baseAddress, Transcript log)
    {
        _app = app;
        IO = io;
        BaseAddress = baseAddress;
        Log = log;
    }

    public SocketIOServer IO { get; }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The port Kestrel listens on: a restarted server takes it again where its clients expect it.</summary>
    public int Port => BaseAddress.Port;

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
    public static Task<SocketIOTestHost> StartConformanceAsync(
        Action<SocketIOServerOptions>? options = null, Action<SocketIOServer>? configure = null, Action<WebApplicationBuilder>? host = null) =>
        StartAsync(o =>
        {
            ConformanceSocketIO.ConfigureOptions(o);
            o.PingTimeout = TimeSpan.FromSeconds(5);
            o.ConnectTimeout = TimeSpan.FromSeconds(5);
            options?.Invoke(o);
        }, io => { ConformanceSocketIO.Configure(io); configure?.Invoke(io); }, port: 0, pipeline: null, host);

    /// <summary>
    /// Starts a server with the options an app gets from <c>AddSocketIO()</c>, changed by <paramref name="options"/>;
    /// <paramref name="configure"/> adds its handlers. It listens on 127.0.0.1:<paramref name="port"/> (0: a free port);
    /// <paramref name="pipeline"/> runs before /socket.io is mapped, to add middleware (a stand-in for authentication) or
    /// other endpoints (the browser tests' pages); <paramref name="host"/> changes the builder (a manual clock, a logger
    /// that keeps every level).
    /// </summary>
    public static Task<SocketIOTestHost> StartWithDefaultsAsync(
        Action<SocketIOServer>? configure = null,
        Action<SocketIOServerOptions>? options = null,
        int port = 0,
        Action<WebApplication>? pipeline = null,
        Action<WebApplicationBuilder>? host = null) =>
        StartAsync(options, configure, port, pipeline, host);

    private static async Task<SocketIOTestHost> StartAsync(
        Action<SocketIOServerOptions>? options, Action<SocketIOServer>? configure, int port, Action<WebApplication>? pipeline,
        Action<WebApplicationBuilder>? host)
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log, port);
        host?.Invoke(builder);
        builder.Services.AddSocketIO(o => options?.Invoke(o));
        var app = builder.Build();
        pipeline?.Invoke(app);
        var io = app.MapSocketIO().Server;
        configure?.Invoke(io);
        return new SocketIOTestHost(app, io, await LocalKestrel.StartAsync(app), log);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Stops the application as Ctrl+C would (the port is free afterwards); a second call does nothing.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
