using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// A real Kestrel with a Socket.IO server for the interop tests. Unlike <c>Infrastructure.TestServer</c> it can listen
/// on a given port (to restart a server where its clients expect it) and lets a test map its own endpoints (the
/// browser pages).
/// </summary>
public sealed class InteropHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private InteropHost(WebApplication app, SocketIOServer io, Uri baseAddress, Transcript log)
    {
        _app = app;
        IO = io;
        BaseAddress = baseAddress;
        Log = log;
    }

    public SocketIOServer IO { get; }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <summary>The server's log lines (Realtime.* categories).</summary>
    public Transcript Log { get; }

    /// <summary>
    /// Starts on 127.0.0.1:<paramref name="port"/> (0: a free port). <paramref name="endpoints"/> maps extra endpoints
    /// beside /socket.io; <paramref name="options"/> changes the server options (defaults otherwise, as an app has).
    /// </summary>
    public static async Task<InteropHost> StartAsync(
        Action<SocketIOServer> configure,
        int port = 0,
        Action<WebApplication>? endpoints = null,
        Action<SocketIOServerOptions>? options = null)
    {
        var log = new Transcript();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TranscriptLoggerProvider(log));
        builder.Services.AddSocketIO(o => options?.Invoke(o));
        var app = builder.Build();
        endpoints?.Invoke(app);
        var io = app.MapSocketIO();
        configure(io);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InteropHost(app, io, new Uri(address.TrimEnd('/') + "/"), log);
    }

    /// <summary>Stops the application as Ctrl+C would (the port is free afterwards).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
