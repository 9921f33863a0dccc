using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;
using RawWebSocket.Client;
using RawWebSocket.Server;

namespace RawWebSocket.Tests;

/// <summary>The conversation after the handshake, seen from both ends, with the timer running at milliseconds.</summary>
public sealed class MessageTests
{
    private const string Reply = ReplyingClient.Reply;
    private static readonly Dictionary<string, string?> FastMessages = new() { ["Messages:IntervalMs"] = "20" };

    [Fact]
    public async Task Server_sends_every_interval_and_logs_each_reply_and_the_forwarded_ip()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var client = new Transcript();
        using var socket = new ClientWebSocket();
        // As a reverse proxy (nginx, a load balancer) would: the server logs this address instead of the proxy's.
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");

        await socket.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        client.Add($"[client] connected, state {socket.State}");
        for (var i = 0; i < 3; i++)
        {
            client.Add($"[client] received: {await ReceiveTextAsync(socket)}");
            await socket.SendAsync(Encoding.UTF8.GetBytes(Reply), WebSocketMessageType.Text, true, Timeout());
            client.Add($"[client] sent: {Reply}");
        }
        // CloseAsync sends the close frame and waits for the server's, skipping messages still on their way.
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", Timeout());
        client.Add($"[client] closed: {(int?)socket.CloseStatus} {socket.CloseStatus} \"{socket.CloseStatusDescription}\", state {socket.State}");
        await app.Log.WaitForText("클라이언트 접속 해제");

        Snapshot.Match($"## server log\n{app.Log}## client\n{client}", Scrubber.Default().WithStartupPort());
    }

    [Fact]
    public async Task Closing_stops_the_clients_timer()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var timers = app.Services.GetRequiredService<ClientTimers>();
        using var first = new ClientWebSocket();
        using var second = new ClientWebSocket();

        await first.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        await second.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        await ReceiveTextAsync(first);
        await ReceiveTextAsync(second);
        Assert.Equal(2, timers.Running);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Timeout());
        await app.Log.WaitForText("클라이언트 접속 해제", 1);
        Assert.Equal(1, timers.Running); // only the first client's timer stopped; the second still gets messages
        Assert.Equal(SocketHandler.ServerMessage, await ReceiveTextAsync(second));

        await second.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Timeout());
        await app.Log.WaitForText("클라이언트 접속 해제", 2);
        Assert.Equal(0, timers.Running); // nothing left running: no clearInterval forgotten
    }

    [Fact]
    public async Task A_client_that_vanishes_without_closing_is_logged_and_others_keep_being_served()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var timers = app.Services.GetRequiredService<ClientTimers>();

        // A raw TCP client completes the handshake, reads one frame, then resets the connection (no close frame),
        // as a killed browser tab or a lost network would.
        var (tcp, stream) = await Wire.ConnectAsync(app.BaseAddress);
        await Wire.SendRequestAsync(stream, Wire.UpgradeRequest(app.BaseAddress));
        await Wire.ReadResponseHeadAsync(stream);
        await Wire.ReadFrameAsync(stream);
        tcp.Client.LingerState = new LingerOption(enable: true, seconds: 0); // close with RST instead of FIN
        tcp.Dispose();
        await app.Log.WaitForText("클라이언트 접속 해제");
        Assert.Equal(0, timers.Running);

        // The server carries on: a new client connects and talks as usual.
        using var next = new ClientWebSocket();
        next.Options.SetRequestHeader("X-Forwarded-For", "198.51.100.20");
        await next.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        Assert.Equal(SocketHandler.ServerMessage, await ReceiveTextAsync(next));
        await next.SendAsync(Encoding.UTF8.GetBytes(Reply), WebSocketMessageType.Text, true, Timeout());
        await app.Log.WaitForText(Reply);
        await next.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Timeout());
        await app.Log.WaitForText("클라이언트 접속 해제", 2);

        Snapshot.Match($"## server log\n{app.Log}", Scrubber.Default().WithStartupPort());
    }

    [Fact]
    public async Task An_oversized_message_closes_that_connection_with_1009_and_only_that_one()
    {
        await using var app = await RunningApp<Program>.StartAsync(new Dictionary<string, string?>
        {
            ["Messages:IntervalMs"] = "60000", // no timer message in the way of this conversation
            ["Messages:MaxMessageBytes"] = "64",
        });
        var client = new Transcript();
        using var bystander = new ClientWebSocket();
        bystander.Options.SetRequestHeader("X-Forwarded-For", "198.51.100.20");
        await bystander.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        await app.Log.WaitForText("새로운 클라이언트 접속", 1); // one at a time, so the log's order is fixed
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.66");
        await socket.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), Timeout());
        await app.Log.WaitForText("새로운 클라이언트 접속", 2);

        var small = "짧은 메시지";                     // 16 bytes in UTF-8
        var big = new string('가', 30);                // 90 bytes in UTF-8: over the 64-byte limit
        await socket.SendAsync(Encoding.UTF8.GetBytes(small), WebSocketMessageType.Text, true, Timeout());
        client.Add($"[client] sent {Encoding.UTF8.GetByteCount(small)} bytes");
        await socket.SendAsync(Encoding.UTF8.GetBytes(big), WebSocketMessageType.Text, true, Timeout());
        client.Add($"[client] sent {Encoding.UTF8.GetByteCount(big)} bytes");

        var buffer = new byte[1024];
        var result = await socket.ReceiveAsync(buffer, Timeout());
        client.Add($"[client] received {result.MessageType}: {(int?)result.CloseStatus} {result.CloseStatus} \"{result.CloseStatusDescription}\"");
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Timeout()); // complete the handshake
        await app.Log.WaitForText("클라이언트 접속 해제");

        // The other client is untouched.
        Assert.Equal(WebSocketState.Open, bystander.State);
        await bystander.SendAsync(Encoding.UTF8.GetBytes(Reply), WebSocketMessageType.Text, true, Timeout());
        await app.Log.WaitForText(Reply);
        await bystander.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Timeout());
        await app.Log.WaitForText("클라이언트 접속 해제", 2);

        Snapshot.Match($"## server log\n{app.Log}## client\n{client}", Scrubber.Default().WithStartupPort());
    }

    [Fact]
    public async Task The_console_client_replies_to_each_message_and_closes_politely_on_stop()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var client = new Transcript();
        using var stop = new CancellationTokenSource();
        var run = new ReplyingClient(Wire.WebSocketUri(app.BaseAddress), client.Add).RunAsync(stop.Token);

        await client.WaitForText(SocketHandler.ServerMessage, 3);
        await app.Log.WaitForText(Reply, 3);
        stop.Cancel();                                             // what Ctrl+C does in Program.cs
        await Wait.For(run, "the client to finish its closing handshake");
        await app.Log.WaitForText("클라이언트 접속 해제");

        // The timer keeps running until the server reads the close frame, so the number of messages is not fixed:
        // record the first three and the last line.
        var lines = client.Lines;
        Snapshot.Match(
            "## client (first lines)\n" + string.Join('\n', lines.Take(4)) +
            "\n## client (last line)\n" + lines[^1] +
            "\n## server log (first lines)\n" + string.Join('\n', app.Log.Lines.Take(5)) +
            "\n## server log (last line)\n" + app.Log.Lines[^1], Scrubber.Default().WithStartupPort());
        Assert.All(lines.Skip(1).SkipLast(1), line => Assert.Equal(SocketHandler.ServerMessage, line));
    }

    [Fact]
    public async Task Stopping_the_server_says_goodbye_with_1001()
    {
        var app = await RunningApp<Program>.StartAsync(FastMessages);
        var client = new Transcript();
        var run = new ReplyingClient(Wire.WebSocketUri(app.BaseAddress), client.Add).RunAsync(CancellationToken.None);
        await client.WaitForText(SocketHandler.ServerMessage);

        await app.DisposeAsync();                                  // the server shuts down with the client connected
        await Wait.For(run, "the client to see the server's close frame");

        Assert.Equal("웹 소켓 연결이 닫혔습니다. (code: 1001 EndpointUnavailable, server is shutting down)", client.Lines[^1]);
        Assert.Contains("[log] 클라이언트 접속 해제 (ip: 127.0.0.1)", app.Log.Lines);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Wait.DefaultTimeout).Token;

    private static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        var (type, data) = await socket.ReceiveMessageAsync(Timeout());
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }
}
