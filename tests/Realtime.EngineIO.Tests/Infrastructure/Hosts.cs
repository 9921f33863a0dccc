using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The conformance host (tests/ConformanceHost) on a real port, shared by the tests of one class, with the suites'
/// exact configuration (heartbeat 300/200 ms).
/// </summary>
public class ConformanceFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings;
    private RunningApp<Program>? _app;

    public ConformanceFixture() : this([]) { }

    protected ConformanceFixture(Dictionary<string, string?> settings) => _settings = settings;

    public Uri BaseAddress => _app!.BaseAddress;
    public EngineProbe Probe { get; private set; } = null!;
    public EngineIOServer Server => Probe.Server;
    public Transcript Log => _app!.Log;

    public async Task InitializeAsync()
    {
        var probe = new EngineProbe();
        _app = await RunningApp<Program>.StartAsync(_settings, configure: web => web.ConfigureLogging(probe.AddTo));
        probe.Attach(_app.Services.GetRequiredService<EngineIOServer>());
        Probe = probe;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    public EngineIOWire Wire() => new(BaseAddress);
}

/// <summary>
/// The conformance host with a one-minute heartbeat, for behaviours that have nothing to do with it: a test that
/// holds a session across several steps must not race the 500 ms ping timeout on a loaded machine.
/// </summary>
public sealed class SteadyConformanceFixture() : ConformanceFixture(new()
{
    ["EngineIO:PingIntervalMs"] = "60000",
    ["EngineIO:PingTimeoutMs"] = "60000",
});

/// <summary>
/// The conformance host with pings every 300 ms as in the suites but a 5 s ping timeout, for a real client (the Node
/// interop test) whose pongs must not depend on how busy this 2-core machine is.
/// </summary>
public sealed class TolerantHeartbeatConformanceFixture() : ConformanceFixture(new()
{
    ["EngineIO:PingTimeoutMs"] = "5000",
});

/// <summary>
/// Tests whose timing is the conformance heartbeat (a client must answer a ping within 200 ms) run alone, not beside
/// the other test classes that load this 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SpecTimingCollection
{
    public const string Name = "Conformance heartbeat timing (not in parallel)";
}

/// <summary>
/// A small Engine.IO echo app built in the test with AddEngineIO/MapEngineIO and other options than the conformance
/// host (explicit CORS origin, allowRequest, short upgrade timeout, no CORS...), on Kestrel at 127.0.0.1:0.
/// </summary>
public sealed class EchoHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoHost(WebApplication app, Uri baseAddress, EngineProbe probe, Transcript log)
    {
        _app = app;
        BaseAddress = baseAddress;
        Probe = probe;
        Log = log;
    }

    public Uri BaseAddress { get; }
    public EngineProbe Probe { get; }
    public EngineIOServer Server => Probe.Server;
    public Transcript Log { get; }

    /// <summary>The app's services (its IMeterFactory, for a MetricCollector).</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="protocols">Kestrel's protocols; HTTP/2 alone on cleartext means h2c with prior knowledge.</param>
    public static async Task<EchoHost> StartAsync(Action<EngineIOServerOptions>? configure = null, TimeProvider? clock = null, HttpProtocols? protocols = null)
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        if (protocols is { } p) builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = p));
        var probe = new EngineProbe();
        probe.AddTo(builder.Logging);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Services.AddEngineIO(configure);
        var app = builder.Build();
        var server = app.MapEngineIO("/engine.io").Server;
        probe.Attach(server);
        server.Connection += socket => socket.Message += (s, message) => s.Send(message);
        return new EchoHost(app, await LocalKestrel.StartAsync(app), probe, log);
    }

    public EngineIOWire Wire() => new(BaseAddress);

    /// <summary>Reads a new WebSocket session's open packet and returns the server's side of that session.</summary>
    public async Task<EngineIOSocket> SessionOfAsync(EngineIOWire wire, ClientWebSocket ws)
    {
        var sid = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(ws)).Text);
        return Server.Clients.Single(c => c.Id == sid);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
