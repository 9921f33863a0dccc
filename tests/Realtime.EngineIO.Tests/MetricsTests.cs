using System.Net;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The Realtime.EngineIO meter (README, "Metrics"), read with a MetricCollector on the meter the server made from its
/// app's IMeterFactory (so the measurements are this host's only) while raw clients talk to it over a real Kestrel.
/// </summary>
public sealed class MetricsTests
{
    private static MetricCollector<T> Collect<T>(EchoHost host, string instrument) where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), "Realtime.EngineIO", instrument);

    /// <summary>The sum of the measurements whose <paramref name="tag"/> is <paramref name="value"/> (all when null).</summary>
    private static long Sum(MetricCollector<long> collector, string? tag = null, string? value = null) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v, value)))
            .Sum(m => m.Value);

    [Fact]
    public async Task Active_connections_follow_the_transport_through_an_upgrade()
    {
        await using var host = await EchoHost.StartAsync();
        using var active = Collect<long>(host, "engineio.server.active_connections");
        using var upgrades = Collect<long>(host, "engineio.server.upgrades");
        using var wire = host.Wire();

        var sid = (await wire.HandshakeAsync()).Sid;
        Assert.Equal((1, 0), (Sum(active, "engineio.transport", "polling"), Sum(active, "engineio.transport", "websocket")));

        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);
        await wire.SendTextAsync(ws, "5");
        await host.Probe.UpgradedAsync(sid);
        Assert.Equal((0, 1), (Sum(active, "engineio.transport", "polling"), Sum(active, "engineio.transport", "websocket")));
        Assert.Equal(1, Sum(upgrades));

        // A second session straight over WebSocket, then both leave.
        using var direct = await wire.ConnectAsync("EIO=4&transport=websocket");
        var other = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(direct)).Text);
        Assert.Equal(2, Sum(active, "engineio.transport", "websocket"));
        await wire.SendTextAsync(ws, "1");
        await wire.SendTextAsync(direct, "1");
        await host.Probe.ClosedAsync(sid);
        await host.Probe.ClosedAsync(other);
        Assert.Equal((0, 0), (Sum(active, "engineio.transport", "polling"), Sum(active, "engineio.transport", "websocket")));
        Assert.Equal(1, Sum(upgrades));
    }

    [Fact]
    public async Task Durations_and_closes_are_recorded_by_close_reason()
    {
        await using var host = await EchoHost.StartAsync();
        using var duration = Collect<double>(host, "engineio.server.connection.duration");
        using var closes = Collect<long>(host, "engineio.server.closes");
        using var wire = host.Wire();

        using var leaving = await wire.ConnectAsync("EIO=4&transport=websocket");
        var left = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(leaving)).Text);
        await wire.SendTextAsync(leaving, "1");
        Assert.Equal("transport close", (await host.Probe.ClosedAsync(left)).Reason);

        using var garbled = await wire.ConnectAsync("EIO=4&transport=websocket");
        var bad = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(garbled)).Text);
        await wire.SendTextAsync(garbled, "x");
        Assert.Equal("parse error", (await host.Probe.ClosedAsync(bad)).Reason);

        var durations = duration.GetMeasurementSnapshot();
        Assert.Equal(["parse error", "transport close"],
            durations.Select(m => (string)m.Tags["engineio.close.reason"]!).Order());
        Assert.All(durations, m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal(1, Sum(closes, "engineio.close.reason", "transport close"));
        Assert.Equal(1, Sum(closes, "engineio.close.reason", "parse error"));
    }

    [Fact]
    public async Task Packets_and_bytes_are_counted_both_ways_on_both_transports()
    {
        await using var host = await EchoHost.StartAsync();
        using var packetsIn = Collect<long>(host, "engineio.server.packets.received");
        using var packetsOut = Collect<long>(host, "engineio.server.packets.sent");
        using var bytesIn = Collect<long>(host, "engineio.server.bytes.received");
        using var bytesOut = Collect<long>(host, "engineio.server.bytes.sent");
        using var wire = host.Wire();

        // WebSocket: the open packet out, then "4hello" (6 bytes) in and its echo out.
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var open = (await wire.ReceiveAsync(ws)).Data.Length;
        await wire.SendTextAsync(ws, "4hello");
        Assert.Equal("4hello", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
        Assert.Equal((1, 6), (Sum(packetsIn), Sum(bytesIn)));
        Assert.Equal((2, open + 6), (Sum(packetsOut), Sum(bytesOut)));

        // Polling: a POST of two packets (10 bytes), both echoed in one GET answer (10 bytes).
        var handshake = await wire.HandshakeAsync();
        var openBody = Sum(bytesOut) - open - 6;
        Assert.Equal(handshake.Body.Length, openBody);
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(handshake.Sid, "4abc\u001e4defg")).StatusCode);
        var (status, body) = await wire.PollAsync(handshake.Sid);
        Assert.Equal((HttpStatusCode.OK, "4abc\u001e4defg"), (status, body));
        Assert.Equal((3, 6 + 10), (Sum(packetsIn), Sum(bytesIn)));
        Assert.Equal((5, open + 6 + handshake.Body.Length + 10), (Sum(packetsOut), Sum(bytesOut)));
    }

    [Fact]
    public async Task Errors_are_counted_by_kind()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxHttpBufferSize = 100);
        using var errors = Collect<long>(host, "engineio.server.errors");
        using var wire = host.Wire();

        Assert.Equal(HttpStatusCode.BadRequest, (await wire.GetAsync("EIO=4&transport=carrier-pigeon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.GetAsync("EIO=4&transport=polling&sid=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.GetAsync("EIO=3&transport=polling")).StatusCode);
        var sid = (await wire.HandshakeAsync()).Sid;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await wire.PostAsync(sid, "4" + new string('a', 200))).StatusCode);
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var garbled = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(ws)).Text);
        await wire.SendTextAsync(ws, "x");
        await host.Probe.ClosedAsync(garbled);
        using var big = await wire.ConnectAsync("EIO=4&transport=websocket");
        var tooBig = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(big)).Text);
        await wire.SendTextAsync(big, "4" + new string('a', 200));   // over MaxHttpBufferSize: closed with 1009
        Assert.Equal(("transport error", "message too big"), await host.Probe.ClosedAsync(tooBig));

        Assert.Equal(1, Sum(errors, "error.type", "unknown_transport"));
        Assert.Equal(1, Sum(errors, "error.type", "unknown_sid"));
        Assert.Equal(1, Sum(errors, "error.type", "unsupported_protocol_version"));
        Assert.Equal(2, Sum(errors, "error.type", "payload_too_large"));   // the 413 POST and the WebSocket message
        Assert.Equal(1, Sum(errors, "error.type", "parse_error"));
        Assert.Equal(1, Sum(errors, "error.type", "transport_error"));     // the session the big message closed
        Assert.Equal(7, Sum(errors));
    }
}
