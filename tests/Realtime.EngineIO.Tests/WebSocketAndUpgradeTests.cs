using System.Net;
using System.Net.WebSockets;

namespace Realtime.EngineIO.Tests;

/// <summary>The WebSocket transport and the polling → websocket upgrade, on the raw wire against the conformance host (with a long heartbeat).</summary>
public sealed class WebSocketAndUpgradeTests(SteadyConformanceFixture host) : IClassFixture<SteadyConformanceFixture>
{
    [Fact]
    public async Task Websocket_echoes_text_frames_and_raw_binary_frames()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(ws); // open

        await wire.SendTextAsync(ws, "4hello é 😀");
        var text = await wire.ReceiveSkippingPingsAsync(ws);
        Assert.Equal((WebSocketMessageType.Text, "4hello é 😀"), (text.Type, text.Text));

        await wire.SendBinaryAsync(ws, [1, 2, 3, 255]);
        var binary = await wire.ReceiveSkippingPingsAsync(ws);
        Assert.Equal(WebSocketMessageType.Binary, binary.Type);
        Assert.Equal([1, 2, 3, 255], binary.Data);

        // A "b"+base64 text frame is a binary message too; it comes back as a raw binary frame.
        await wire.SendTextAsync(ws, "bAQID");
        var fromBase64 = await wire.ReceiveSkippingPingsAsync(ws);
        Assert.Equal((WebSocketMessageType.Binary, "010203"), (fromBase64.Type, Convert.ToHexString(fromBase64.Data)));
    }

    [Fact]
    public async Task A_websocket_message_over_maxHttpBufferSize_closes_with_1009()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = SidOf((await wire.ReceiveAsync(ws)).Text);

        await wire.SendBinaryAsync(ws, new byte[1_000_001]);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await EngineIOWire.WaitForCloseAsync(ws));
        Assert.Equal(("transport error", "message too big"), await host.Probe.ClosedAsync(sid));
    }

    [Fact]
    public async Task A_websocket_frame_that_is_not_a_packet_is_a_parse_error()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = SidOf((await wire.ReceiveAsync(ws)).Text);

        await wire.SendTextAsync(ws, "x");

        Assert.Equal("parse error", (await host.Probe.ClosedAsync(sid)).Reason);
        await EngineIOWire.WaitForCloseAsync(ws);
    }

    [Fact]
    public async Task A_client_close_frame_ends_the_session_with_transport_close()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = SidOf((await wire.ReceiveAsync(ws)).Text);

        await Wait.For(ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None), "the close handshake");

        Assert.Equal(("transport close", null), await host.Probe.ClosedAsync(sid));
    }

    [Fact]
    public async Task A_close_packet_over_the_websocket_ends_the_session()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = SidOf((await wire.ReceiveAsync(ws)).Text);

        await wire.SendTextAsync(ws, "1");

        Assert.Equal(("transport close", null), await host.Probe.ClosedAsync(sid));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOWire.WaitForCloseAsync(ws));
    }

    [Fact]
    public async Task Upgrade_probe_noop_to_the_pending_get_then_upgrade_flushes_the_buffer_on_the_websocket()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        // A long-poll is pending while the client probes the WebSocket.
        var waiting = host.Probe.NextPollWaiting(sid);
        var pendingGet = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open");

        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);

        // The server releases the pending GET with a noop (every 100 ms while polling is writable).
        var (status, body) = await Wait.For(pendingGet, "the pending GET");
        Assert.Equal(HttpStatusCode.OK, status);
        while (body != "6")
        {
            // A heartbeat ping may have taken that GET first: answer it and poll again.
            Assert.Equal("2", body);
            await wire.PostAsync(sid, "3");
            (status, body) = await wire.PollAsync(sid);
        }

        // Polling is paused; an echo now waits in the server's buffer...
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4buffered")).StatusCode);
        // ...and goes out on the WebSocket once the client confirms the upgrade.
        await wire.SendTextAsync(ws, "5");
        await host.Probe.UpgradedAsync(sid);
        Assert.Equal("4buffered", (await wire.ReceiveSkippingPingsAsync(ws)).Text);

        await wire.SendTextAsync(ws, "4over websocket");
        Assert.Equal("4over websocket", (await wire.ReceiveSkippingPingsAsync(ws)).Text);

        // After the upgrade: polling with that sid is a transport mismatch, and another WebSocket is closed.
        var poll = await wire.GetAsync($"EIO=4&transport=polling&sid={sid}");
        Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", await poll.Content.ReadAsStringAsync());
        using var second = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOWire.WaitForCloseAsync(second);

        // The upgraded session is unaffected.
        await wire.SendTextAsync(ws, "4still");
        Assert.Equal("4still", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task A_second_websocket_while_an_upgrade_is_in_progress_is_closed()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        using var probe = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(probe, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(probe)).Text);

        using var intruder = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineIOWire.WaitForCloseAsync(intruder);

        await wire.SendTextAsync(probe, "5");
        await host.Probe.UpgradedAsync(sid);
    }

    internal static string SidOf(string openPacket) =>
        System.Text.Json.JsonDocument.Parse(openPacket[1..]).RootElement.GetProperty("sid").GetString()!;
}
