using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// Caps on how many pieces one request may make the server handle: packets in one polling payload
/// (<see cref="EngineIOServerOptions.MaxPayloadPackets"/>) and fragments of one WebSocket message
/// (<see cref="EngineIOServerOptions.MaxFragmentsPerMessage"/>). Past either, that client gets a clear error, none of
/// its pieces is handled, and everyone else is served.
/// </summary>
public sealed class PacketAndFragmentLimitTests(SteadyConformanceFixture host) : IClassFixture<SteadyConformanceFixture>
{
    [Fact]
    public async Task A_polling_payload_over_the_packet_cap_gets_400_and_none_of_its_packets_is_handled()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var handled = 0;
        host.Server.Clients.Single(c => c.Id == sid).Message += (_, _) => Interlocked.Increment(ref handled);

        // 1001 packets, one over the default cap of 1000 (before the cap, 20 000 were all handled).
        var payload = string.Join('\x1e', Enumerable.Repeat("4a", 1001));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PostAsync(sid, payload)).StatusCode);

        Assert.Equal(("parse error", "1001 packets in one payload, over the limit of 1000"), await host.Probe.ClosedAsync(sid));
        Assert.Equal(0, Volatile.Read(ref handled));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);

        // A payload of exactly 1000 packets is served, in order.
        using var canary = host.Wire();
        var canarySid = (await canary.HandshakeAsync()).Sid;
        var full = string.Join('\x1e', Enumerable.Range(1, 1000).Select(i => "4m" + i));
        Assert.Equal(HttpStatusCode.OK, (await canary.PostAsync(canarySid, full)).StatusCode);
        var echoes = await canary.PollUntilAsync(canarySid, p => p == "4m1000");
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => "4m" + i), echoes.Where(p => p.StartsWith('4')));
    }

    [Fact]
    public async Task A_websocket_message_in_a_flood_of_empty_fragments_is_closed_with_1008()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(ws)).Text);
        var handled = 0;
        host.Server.Clients.Single(c => c.Id == sid).Message += (_, _) => Interlocked.Increment(ref handled);

        // "4" then 2000 empty continuation frames (the default cap is 1000), then the end: ws 8.21 closes with 1008.
        var closed = EngineIOWire.WaitForCloseAsync(ws);
        try
        {
            await ws.SendAsync("4"u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
            for (var i = 0; i < 2000; i++) await ws.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, false, CancellationToken.None);
            await ws.SendAsync("x"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            // the server may close before the flood is all sent
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await closed);
        Assert.Equal(("transport error", "too many fragments"), await host.Probe.ClosedAsync(sid));
        Assert.Equal(0, Volatile.Read(ref handled));

        // A message in a few fragments is still taken whole, and others are served.
        using var canary = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(canary);
        foreach (var piece in new[] { "4can", "ar", "y" })
        {
            await canary.SendAsync(Encoding.UTF8.GetBytes(piece), WebSocketMessageType.Text, piece == "y", CancellationToken.None);
        }
        Assert.Equal("4canary", (await wire.ReceiveSkippingPingsAsync(canary)).Text);
    }
}
