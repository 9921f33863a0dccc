using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>The conformance host (tests/ConformanceHost) on a real port, shared by the tests of one class.</summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private RunningApp<Program>? _app;

    public Uri BaseAddress => _app!.BaseAddress;
    public EngineProbe Probe { get; private set; } = null!;
    public EngineIOServer Server => Probe.Server;
    public Transcript Log => _app!.Log;

    public async Task InitializeAsync()
    {
        _app = await RunningApp<Program>.StartAsync();
        Probe = new EngineProbe(_app.Services.GetRequiredService<EngineIOServer>());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    public EioWire Wire() => new(BaseAddress);
}

/// <summary>
/// A small Engine.IO echo app built in the test with AddEngineIO/MapEngineIO and other options than the conformance
/// host (explicit CORS origin, allowRequest, short upgrade timeout, no CORS...), on Kestrel at 127.0.0.1:0.
/// </summary>
public sealed class EchoHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoHost(WebApplication app, EngineIOServer server, Transcript log)
    {
        _app = app;
        Probe = new EngineProbe(server);
        Log = log;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    public Uri BaseAddress { get; }
    public EngineProbe Probe { get; }
    public EngineIOServer Server => Probe.Server;
    public Transcript Log { get; }

    public static async Task<EchoHost> StartAsync(Action<EngineIOServerOptions>? configure = null)
    {
        var log = new Transcript();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(new TranscriptLoggerProvider(log));
        builder.Services.AddEngineIO(configure);
        var app = builder.Build();
        var server = app.MapEngineIO("/engine.io");
        server.Connection += socket => socket.Message += (s, message) => s.Send(message);
        await app.StartAsync();
        return new EchoHost(app, server, log);
    }

    public EioWire Wire() => new(BaseAddress);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
