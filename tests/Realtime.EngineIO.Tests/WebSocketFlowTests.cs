using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// How the WebSocket transport reads and writes: messages in fragments or larger than its read buffer, bursts that
/// leave as many frames in one write (every length encoding, text and binary, the client's pings answered between
/// them), a client that stops reading (writes wait, later packets queue), a client that vanishes while writes wait, a
/// WebSocket over HTTP/2, and nothing after the close frame when a client breaks the protocol.
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

    [Fact]
    public async Task A_burst_of_text_and_binary_frames_of_every_length_encoding_arrives_whole_and_in_order()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, ws);

        // Payload lengths at each edge of the frame header: 7-bit (≤ 125), 16-bit (126…65 535), 64-bit (more);
        // the text frame carries "4" + text, so a text of n characters makes a payload of n + 1 bytes.
        int[] lengths = [0, 1, 124, 125, 126, 127, 1000, 65_534, 65_535, 65_536, 70_000];
        var messages = new List<EngineMessage>();
        foreach (var n in lengths)
        {
            messages.Add(EngineMessage.FromText(Numbered(messages.Count, n)));
            messages.Add(EngineMessage.FromBinary(Enumerable.Range(0, n + 1).Select(i => (byte)(i * 7 + n)).ToArray()));
        }
        // Many small ones too: from the thread pool, so they queue behind each other and leave together.
        for (var i = 0; i < 500; i++) messages.Add(EngineMessage.FromText(Numbered(messages.Count, 20)));
        await Wait.For(Task.Run(() =>
        {
            socket.Send(messages.Take(10).ToList());
            foreach (var message in messages.Skip(10)) socket.Send(message);
        }), "the sends to return");

        foreach (var message in messages)
        {
            var frame = await wire.ReceiveSkippingPingsAsync(ws);
            if (message.IsBinary)
            {
                Assert.Equal(WebSocketMessageType.Binary, frame.Type);
                Assert.Equal(message.Data.ToArray(), frame.Data);
            }
            else
            {
                Assert.Equal("4" + message.Text, frame.Text);
            }
        }
    }

    [Fact]
    public async Task The_clients_pings_are_answered_between_the_frames_of_a_burst()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 0);
        using var wire = host.Wire();
        // .NET's client pings every 5 ms and aborts if a pong does not come within 10 s; the server's WebSocket
        // writes each pong while the transport writes its bursts, through the same gate (a pong inside another frame
        // would break the framing, and the client would fail).
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket", o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(5);
            o.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        });
        var socket = await host.SessionOfAsync(wire, ws);
        const int count = 3_000;
        var sending = Task.Run(() =>
        {
            for (var i = 0; i < count; i++) socket.Send(Numbered(i, 1 + i % 3_000));
        });
        for (var i = 0; i < count; i++)
        {
            var frame = await wire.ReceiveSkippingPingsAsync(ws);
            Assert.Equal("4" + Numbered(i, 1 + i % 3_000), frame.Text);
        }
        await Wait.For(sending, "the sends to return");
        Assert.Equal(WebSocketState.Open, ws.State);
        await wire.SendTextAsync(ws, "4after");
        Assert.Equal("4after", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task Over_HTTP2_a_WebSocket_opens_with_extended_CONNECT_and_its_bursts_arrive_in_order()
    {
        await using var host = await EchoHost.StartAsync(protocols: HttpProtocols.Http2);
        using var wire = host.Wire();
        // RFC 8441: the client opens the WebSocket as a stream of an HTTP/2 connection (h2c, prior knowledge).
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket", o =>
        {
            o.HttpVersion = HttpVersion.Version20;
            o.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            o.CollectHttpResponseDetails = true;
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(5);
            o.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        }, invoker);
        Assert.Equal(HttpStatusCode.OK, ws.HttpStatusCode); // 200 on a CONNECT stream, where HTTP/1.1 says 101
        var socket = await host.SessionOfAsync(wire, ws);

        const int count = 1_000;
        var sending = Task.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                socket.Send(i % 10 == 0 ? EngineMessage.FromBinary(new byte[] { (byte)i, (byte)(i >> 8) }) : EngineMessage.FromText(Numbered(i, 1 + i % 700)));
            }
        });
        for (var i = 0; i < count; i++)
        {
            var frame = await wire.ReceiveSkippingPingsAsync(ws);
            if (i % 10 == 0) Assert.Equal([(byte)i, (byte)(i >> 8)], frame.Data);
            else Assert.Equal("4" + Numbered(i, 1 + i % 700), frame.Text);
        }
        await Wait.For(sending, "the sends to return");
        await wire.SendTextAsync(ws, "4over h2");
        Assert.Equal("4over h2", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task No_data_frame_follows_the_close_frame_when_a_client_breaks_the_protocol_mid_burst()
    {
        await using var host = await EchoHost.StartAsync();
        var message = EngineMessage.FromText(new string('x', 200));
        // .NET's WebSocket answers a frame with a reserved opcode with a close frame (1002) of its own, before the
        // transport hears that the connection is over; packets the transport frames meanwhile must not follow that
        // close frame (RFC 6455, 5.5.1). A race (without that rule, about one test run in two fails), so 100
        // connections, each a client written by hand on raw TCP (RawWebSocketWire, the raw wire of step 02's tests).
        for (var run = 0; run < 100; run++)
        {
            var opened = new TaskCompletionSource<EngineIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnConnection(EngineIOSocket socket) => opened.TrySetResult(socket);
            host.Server.Connection += OnConnection;
            var (tcp, stream) = await RawWebSocketWire.ConnectAsync(host.BaseAddress);
            using var _ = tcp;
            await RawWebSocketWire.SendRequestAsync(stream, RawWebSocketWire.UpgradeRequest(host.BaseAddress, "/engine.io/?EIO=4&transport=websocket"));
            Assert.StartsWith("HTTP/1.1 101", (await RawWebSocketWire.ReadResponseHeadAsync(stream))[0]);
            var session = await Wait.For(opened.Task, "the session");
            host.Server.Connection -= OnConnection;
            var sending = Task.Run(async () =>
            {
                while (session.ReadyState == EngineSocketState.Open)
                {
                    for (var i = 0; i < 20; i++) session.Send(message);
                    await Task.Delay(1);
                }
            });

            // Some text frames of the stream (OPEN, then messages), then the bad frame (FIN, opcode 3, masked, empty),
            // then every frame until the connection ends: one close with 1002, and nothing after it.
            for (var i = 0; i < 20; i++) Assert.Equal(1, (await RawWebSocketWire.ReadFrameAsync(stream)).Opcode);
            await RawWebSocketWire.WriteMaskedFrameAsync(stream, 3, [], [0, 0, 0, 0]);
            var frames = new List<RawWebSocketWire.Frame>();
            while (await RawWebSocketWire.ReadFrameOrEndAsync(stream) is { } frame) frames.Add(frame);
            await Wait.For(sending, "the sender to stop with the session");

            var close = frames.FindIndex(f => f.Opcode == 0x8);
            Assert.True(close >= 0, $"run {run}: no close frame");
            Assert.Equal(1002, (frames[close].Payload[0] << 8) | frames[close].Payload[1]);
            Assert.Equal([], frames.Skip(close + 1).Select(f => f.Opcode));
        }
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
