using System.Net.WebSockets;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// How the WebSocket transport reads and writes: messages in fragments or larger than its read buffer, a client that
/// stops reading (writes wait, later packets queue), and a client that vanishes while writes wait.
/// </summary>
public sealed class WebSocketFlowTests
{
    [Fact]
    public async Task Messages_in_fragments_and_larger_than_the_read_buffer_arrive_whole()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(ws); // open

        // One text message in four frames, the first one empty.
        await SendFragmentsAsync(ws, WebSocketMessageType.Text, "", "4he", "llo ", "fragments");
        Assert.Equal("4hello fragments", (await wire.ReceiveSkippingPingsAsync(ws)).Text);

        // One binary message in two frames.
        await SendFragmentsAsync(ws, WebSocketMessageType.Binary, "\x01\x02", "\x03");
        Assert.Equal([1, 2, 3], (await wire.ReceiveSkippingPingsAsync(ws)).Data);

        // 200 KB: many times the 4 KiB the transport rents first.
        var big = "4" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10_000:D9},"));
        await wire.SendTextAsync(ws, big);
        Assert.Equal(big, (await wire.ReceiveSkippingPingsAsync(ws)).Text);

        // And a small one after it, with the buffer given back in between.
        await wire.SendTextAsync(ws, "4small");
        Assert.Equal("4small", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task A_client_that_stops_reading_holds_no_sender_and_then_gets_everything_in_order()
    {
        const int count = 128, size = 128 * 1024; // 16 MiB: far more than the socket buffers and Kestrel's output pipe
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 0); // no limit, as in Node
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, ws);

        // Nothing is read yet, so the writes soon wait for the client; every Send still returns at once (the rest
        // queues behind the waiting write).
        await Wait.For(Task.Run(() =>
        {
            for (var i = 0; i < count; i++) socket.Send(Numbered(i, size));
        }), "every Send to return while the client reads nothing");

        for (var i = 0; i < count; i++)
        {
            var frame = await wire.ReceiveSkippingPingsAsync(ws);
            Assert.Equal("4" + Numbered(i, size), frame.Text);
        }
        await wire.SendTextAsync(ws, "4after");
        Assert.Equal("4after", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task A_client_that_vanishes_while_writes_wait_ends_its_session_and_the_server_keeps_serving()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 0); // no limit: only the drop ends it
        using var wire = host.Wire();
        using var gone = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, gone);
        for (var i = 0; i < 128; i++) socket.Send(Numbered(i, 128 * 1024));

        gone.Abort(); // the connection drops with 16 MiB still on its way

        // The failed write or the dropped read ends the session, whichever the server notices first.
        var closed = await host.Probe.ClosedAsync(socket.Id);
        Assert.Contains(closed, new (string, string?)[] { ("transport error", "write error"), ("transport close", null) });
        Assert.DoesNotContain(host.Server.Clients, c => c.Id == socket.Id);

        using var other = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(other);
        await wire.SendTextAsync(other, "4still serving");
        Assert.Equal("4still serving", (await wire.ReceiveSkippingPingsAsync(other)).Text);
    }

    private static string Numbered(int i, int size) => $"{i:D6}:".PadRight(size, (char)('a' + i % 26));

    private static async Task SendFragmentsAsync(ClientWebSocket ws, WebSocketMessageType type, params string[] parts)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            var bytes = type == WebSocketMessageType.Binary ? parts[i].Select(c => (byte)c).ToArray() : Encoding.UTF8.GetBytes(parts[i]);
            await ws.SendAsync(bytes, type, endOfMessage: i == parts.Length - 1, CancellationToken.None);
        }
    }
}
