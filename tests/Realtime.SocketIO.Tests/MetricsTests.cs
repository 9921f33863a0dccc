using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using WsWire = Realtime.Testing.WsWire;
using Wait = Realtime.Testing.Wait;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// The Realtime.SocketIO meter (README, "Metrics"), read with a MetricCollector on one server's meter (from the app's
/// IMeterFactory) while raw WebSocket clients talk to a real Kestrel.
/// </summary>
public sealed class MetricsTests
{
    private static MetricCollector<T> Collect<T>(SocketIOTestHost server, string instrument) where T : struct =>
        new(server.Services.GetRequiredService<IMeterFactory>(), "Realtime.SocketIO", instrument);

    private static long Sum(MetricCollector<long> collector, string? tag = null, string? value = null) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v, value)))
            .Sum(m => m.Value);

    /// <summary>Observes a gauge now: its value per namespace ("" when it has no attribute).</summary>
    private static Dictionary<string, int> Observe(MetricCollector<int> gauge)
    {
        gauge.Clear();
        gauge.RecordObservableInstruments();
        return gauge.GetMeasurementSnapshot().ToDictionary(
            m => m.Tags.TryGetValue("socketio.namespace", out var n) ? (string)n! : "", m => m.Value);
    }

    /// <summary>What the server's handlers saw: sockets as they connect (by id), and each disconnect's reason, in order.</summary>
    private sealed class Seen
    {
        public ConcurrentDictionary<string, SocketIOSocket> Sockets { get; } = new();
        public Channel<SocketIOSocket> Connected { get; } = Channel.CreateUnbounded<SocketIOSocket>();
        public Channel<string> Disconnected { get; } = Channel.CreateUnbounded<string>();

        public async Task<SocketIOSocket> NextConnectedAsync() => await Wait.For(Connected.Reader.ReadAsync().AsTask(), "a connection handler");

        public async Task<string> NextDisconnectAsync() => await Wait.For(Disconnected.Reader.ReadAsync().AsTask(), "a disconnect handler");
    }

    /// <summary>A server with "/", "/goods" and a dynamic "/dyn-*"; its sockets can leave a room ("leave", acked).</summary>
    private static Task<SocketIOTestHost> StartAsync(Seen seen, Action<SocketIOServer>? configure = null, TimeProvider? clock = null) =>
        SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            void Setup(SocketIONamespace nsp) => nsp.On("connection", socket =>
            {
                seen.Sockets[socket.Id] = socket;
                socket.On("leave", (string room) => { socket.Leave(room); return true; });
                socket.On("disconnect", (string reason) => { seen.Disconnected.Writer.TryWrite(reason); });
                seen.Connected.Writer.TryWrite(socket);
            });
            Setup(io.Sockets);
            Setup(io.Of("/goods"));
            Setup(io.Of(new Regex("^/dyn-")));
            configure?.Invoke(io);
        }, host: clock is null ? null : builder => builder.Services.AddSingleton(clock));

    private static async Task<(WsWire Wire, string Id)> JoinAsync(SocketIOTestHost server, string nsp = "")
    {
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await wire.SendAsync(nsp.Length == 0 ? "40" : $"40{nsp},");
        var reply = await wire.ReceiveTextAsync();
        Assert.StartsWith(nsp.Length == 0 ? "40{\"sid\":\"" : $"40{nsp},{{\"sid\":\"", reply);
        return (wire, reply[(reply.IndexOf("\"sid\":\"", StringComparison.Ordinal) + 7)..^2]);
    }

    [Fact]
    public async Task Namespaces_sockets_and_rooms_are_gauges_by_namespace_with_dynamic_children_under_their_parent()
    {
        var seen = new Seen();
        await using var server = await StartAsync(seen);
        using var namespaces = Collect<int>(server, "socketio.server.namespaces");
        using var connected = Collect<int>(server, "socketio.server.connected_sockets");
        using var rooms = Collect<int>(server, "socketio.server.rooms");
        // "/" and "/goods": a dynamic pattern is no namespace itself; its children are, once a client joins them.
        Assert.Equal(2, Observe(namespaces)[""]);

        var (a, aId) = await JoinAsync(server);
        var (b, bId) = await JoinAsync(server);
        var (g, gId) = await JoinAsync(server, "/goods");
        var (d1, d1Id) = await JoinAsync(server, "/dyn-1");
        var (d2, d2Id) = await JoinAsync(server, "/dyn-2");
        try
        {
            for (var i = 0; i < 5; i++) await seen.NextConnectedAsync();
            var sockets = seen.Sockets;
            sockets[aId].Join(["red", "blue"]);
            sockets[bId].Join("red");
            sockets[gId].Join("shoes");
            sockets[d1Id].Join("chat");
            var parent = sockets[d1Id].Nsp.Parent!.Name;

            Assert.Equal(4, Observe(namespaces)[""]);
            Assert.Equal(new Dictionary<string, int> { ["/"] = 2, ["/goods"] = 1, [parent] = 2 }, Observe(connected));
            Assert.Equal(new Dictionary<string, int> { ["/"] = 2, ["/goods"] = 1, [parent] = 1 }, Observe(rooms));

            // "blue" empties when its only socket leaves it; a socket leaving its namespace takes its rooms along.
            await a.SendAsync("421[\"leave\",\"blue\"]");
            Assert.Equal("431[true]", await a.ReceiveTextAsync());
            await g.SendAsync("41/goods,");
            Assert.Equal("client namespace disconnect", await seen.NextDisconnectAsync());
            Assert.Equal(new Dictionary<string, int> { ["/"] = 2, ["/goods"] = 0, [parent] = 2 }, Observe(connected));
            Assert.Equal(new Dictionary<string, int> { ["/"] = 1, ["/goods"] = 0, [parent] = 1 }, Observe(rooms));
        }
        finally
        {
            foreach (var wire in new[] { a, b, g, d1, d2 }) await wire.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pending_acks_and_ack_timeouts()
    {
        var seen = new Seen();
        // The timeouts run on a clock that moves only when told: a slow machine cannot expire an ack before it is counted.
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(seen, clock: clock);
        using var pending = Collect<int>(server, "socketio.server.acks.pending");
        using var timeouts = Collect<long>(server, "socketio.server.ack.timeouts");
        var (wire, id) = await JoinAsync(server);
        try
        {
            var socket = await seen.NextConnectedAsync();
            Assert.Equal(id, socket.Id);
            Assert.Equal(0, Observe(pending)[""]);

            // One the client answers, one it leaves unanswered until the timeout.
            var answered = socket.EmitWithAckAsync("question", 1);
            var question = await wire.ReceiveTextAsync();
            Assert.Matches("""^42\d+\["question",1\]$""", question);
            var ignored = socket.Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckAsync("ignore me");
            Assert.Matches("""^42\d+\["ignore me"\]$""", await wire.ReceiveTextAsync());
            Assert.Equal(2, Observe(pending)[""]);

            await wire.SendAsync("43" + question[2..question.IndexOf('[')] + "[\"answer\"]");
            await Wait.For(answered, "the answer");
            Assert.Equal(1, Observe(pending)[""]);
            Assert.False(ignored.IsCompleted);
            clock.Advance(TimeSpan.FromMilliseconds(300));
            await Wait.For(Task.WhenAny(ignored), "the ack timeout"); // (Wait.For rewrites a TimeoutException's message)
            var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => ignored);
            Assert.Contains("operation has timed out", timedOut.Message);
            Assert.Equal(0, Observe(pending)[""]);
            Assert.Equal(1, Sum(timeouts));

            // A broadcast with a timeout waits for an ack from each socket: the same gauge, the same counter.
            var broadcast = server.IO.Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckAsync("everyone");
            Assert.Matches("""^42\d+\["everyone"\]$""", await wire.ReceiveTextAsync());
            Assert.Equal(1, Observe(pending)[""]);
            Assert.False(broadcast.IsCompleted);
            clock.Advance(TimeSpan.FromMilliseconds(300));
            await Wait.For(Task.WhenAny(broadcast), "the broadcast's timeout");
            await Assert.ThrowsAsync<SocketIOBroadcastTimeoutException>(() => broadcast);
            Assert.Equal(0, Observe(pending)[""]);
            Assert.Equal(2, Sum(timeouts));
        }
        finally
        {
            await wire.DisposeAsync();
        }
    }

    [Fact]
    public async Task Packets_events_and_disconnects_by_reason()
    {
        var seen = new Seen();
        await using var server = await StartAsync(seen);
        using var received = Collect<long>(server, "socketio.server.packets.received");
        using var events = Collect<long>(server, "socketio.server.events.received");
        using var sent = Collect<long>(server, "socketio.server.packets.sent");
        // As an app's test would: through the app's IMeterFactory, by meter and instrument name.
        using var disconnects = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "Realtime.SocketIO", "socketio.server.disconnects");

        var (a, _) = await JoinAsync(server);                   // in: CONNECT; out: CONNECT
        var (b, bId) = await JoinAsync(server);                 // in: CONNECT; out: CONNECT
        var (c, _) = await JoinAsync(server, "/goods");         // in: CONNECT; out: CONNECT
        try
        {
            for (var i = 0; i < 3; i++) await seen.NextConnectedAsync();
            await a.SendAsync("421[\"leave\",\"nowhere\"]");    // in: EVENT; out: ACK
            Assert.Equal("431[true]", await a.ReceiveTextAsync());
            Assert.Equal((4, 1, 4), (Sum(received), Sum(events), Sum(sent)));

            await a.SendAsync("41");                            // the client leaves the namespace
            Assert.Equal("client namespace disconnect", await seen.NextDisconnectAsync());
            seen.Sockets[bId].Disconnect();                     // the server disconnects the second: out DISCONNECT
            Assert.Equal("41", await b.ReceiveTextAsync());
            Assert.Equal("server namespace disconnect", await seen.NextDisconnectAsync());
            await c.DisposeAsync();                             // the third's WebSocket closes
            Assert.Equal("transport close", await seen.NextDisconnectAsync());

            Assert.Equal(1, Sum(disconnects, "socketio.disconnect.reason", "client namespace disconnect"));
            Assert.Equal(1, Sum(disconnects, "socketio.disconnect.reason", "server namespace disconnect"));
            Assert.Equal(1, Sum(disconnects, "socketio.disconnect.reason", "transport close"));
            Assert.Equal((5, 5), (Sum(received), Sum(sent)));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task Errors_are_counted_by_kind()
    {
        var seen = new Seen();
        await using var server = await StartAsync(seen,
            io =>
            {
                io.Of("/private").Use(_ => throw new SocketIOConnectException("not authorized"));
                io.On("connection", socket => socket.On("boom", (SocketIOArgs _) => throw new InvalidOperationException("a bug")));
            });
        using var errors = Collect<long>(server, "socketio.server.errors");

        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using (wire)
        {
            await wire.SendAsync("40");
            Assert.StartsWith("40{", await wire.ReceiveTextAsync());
            await seen.NextConnectedAsync();
            await wire.SendAsync("421[\"boom\"]");            // the handler throws: logged and counted, the connection stays
            await wire.SendAsync("40/nope,");
            Assert.Equal("44/nope,{\"message\":\"Invalid namespace\"}", await wire.ReceiveTextAsync());
            await wire.SendAsync("40/private,");
            Assert.Equal("44/private,{\"message\":\"not authorized\"}", await wire.ReceiveTextAsync());
            await wire.SendAsync("42/goods,[\"not joined\"]"); // an event for a namespace not joined: the connection closes
            await wire.WaitClosedAsync();
        }
        var (garbled, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using (garbled)
        {
            await garbled.SendAsync("49");                      // no such packet type: a parse error closes the connection
            await garbled.WaitClosedAsync();
        }

        Assert.Equal(1, Sum(errors, "error.type", "invalid_namespace"));
        Assert.Equal(1, Sum(errors, "error.type", "connection_refused"));
        Assert.Equal(1, Sum(errors, "error.type", "protocol_violation"));
        Assert.Equal(1, Sum(errors, "error.type", "parse_error"));
        Assert.Equal(1, Sum(errors, "error.type", "handler_failed"));
        Assert.Equal(5, Sum(errors));
    }
}
