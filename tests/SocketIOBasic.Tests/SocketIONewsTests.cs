using System.Net.WebSockets;
using Realtime.SocketIO;
using Realtime.Testing;
using SocketIOBasic.Client;

namespace SocketIOBasic.Tests;

/// <summary>
/// Step 03's Socket.IO server with real clients: the official Node client (node/news-client.mjs) and the C# console
/// client's <see cref="NewsClient"/> (SocketIOClient), over polling and WebSocket; acknowledgements both ways;
/// automatic reconnection after a restart on the same port.
/// </summary>
public sealed class SocketIONewsTests
{
    [Fact]
    public async Task The_official_node_client_gets_two_news_replies_and_leaves()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 20);
        await using var node = NodeSocketIOClient.Start("news-client.mjs", [server.BaseAddress.ToString(), "--news", "2"]);
        await node.WaitFor("disconnect ");
        await server.Steps.WaitForText("클라이언트가 접속을 해제했습니다.");

        // The default transports: the session starts with HTTP long-polling (it may upgrade before the client leaves).
        Assert.Equal("transport polling", node.Output.Lines[0]);

        var scrubber = Scrubber.Default().WithStartupPort();
        scrubber.Id(node.Values("connect").Single(), "socket");
        var transcript = new Transcript();
        transcript.Section("what the Node client printed (transport lines left out: when it upgrades depends on timing)");
        foreach (var line in node.Output.Lines.Where(l => !l.StartsWith("transport ", StringComparison.Ordinal) && !l.StartsWith("upgrade ", StringComparison.Ordinal)))
        {
            transcript.Add(line);
        }
        transcript.Section("server log (Program.cs's lines)");
        foreach (var line in server.Steps.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), scrubber);
    }

    [Fact]
    public async Task Acknowledgements_both_ways_with_the_node_client()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        await using var node = NodeSocketIOClient.Start("news-client.mjs", [server.BaseAddress.ToString()]);
        await node.WaitFor("connect ");

        // Client → server: socket.emit("question", q, answer => ...); the server handler's return value comes back.
        await node.SendAsync("ask 잘 들리나요?");
        await node.WaitFor("answer ");
        Assert.Equal(["서버의 답: \"잘 들리나요?\" 잘 받았습니다."], node.Values("answer"));

        // Server → client: the server's "interview" handler awaits emitWithAck("whoAreYou"), then acks with the answer.
        await node.SendAsync("interview");
        await node.WaitFor("interviewed ");
        Assert.Equal(["Node 클라이언트입니다."], node.Values("interviewed"));
        await server.Steps.WaitForText("클라이언트의 대답: Node 클라이언트입니다.");
    }

    [Fact]
    public async Task The_node_client_reconnects_by_itself_when_the_server_comes_back_on_the_same_port()
    {
        var first = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        var address = first.BaseAddress;
        await using var node = NodeSocketIOClient.Start("news-client.mjs", [address.ToString(), "--reconnect"]);
        await node.WaitFor("connect ");
        await first.Steps.WaitForText("새로운 클라이언트가 접속했습니다.");

        // Stop the server (Ctrl+C): the client loses its connection and starts retrying.
        await first.DisposeAsync();
        await node.WaitFor("disconnect ");
        await node.WaitFor("reconnect_attempt ");

        // Start it again on the same port: the client's next attempt succeeds, as a new socket.
        await using var second = await SocketIONewsServer.StartAsync(intervalMs: 60_000, urls: address.ToString().TrimEnd('/'));
        await node.WaitFor("reconnect ");
        await node.WaitFor("connect ", count: 2);
        await second.Steps.WaitForText("새로운 클라이언트가 접속했습니다.");

        var ids = node.Values("connect");
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Contains(ids[1], second.Steps.Lines.Single(l => l.Contains("새로운 클라이언트가 접속했습니다.", StringComparison.Ordinal)));
        Assert.Contains(node.Values("disconnect")[0], new[] { "transport close", "transport error" });
    }

    [Fact]
    public async Task Behind_a_proxy_the_log_shows_the_forwarded_address_and_the_request_address()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");   // what a reverse proxy adds
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        await socket.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        // (<ip>, <socket id>, <request ip>): the forwarded address first, the address of the request last.
        await server.Steps.WaitFor(l => l.StartsWith("[log] 새로운 클라이언트가 접속했습니다. (203.0.113.7, ", StringComparison.Ordinal)
                                        && l.EndsWith(", 127.0.0.1)", StringComparison.Ordinal), what: "the connection log");
        socket.Abort();   // a dropped connection counts as a disconnect too
        await server.Steps.WaitForText("클라이언트가 접속을 해제했습니다. (203.0.113.7, ");
    }

    [Theory]
    [InlineData(NewsTransport.Polling)]
    [InlineData(NewsTransport.WebSocket)]
    [InlineData(NewsTransport.Default)]
    public async Task The_csharp_console_client_gets_news_and_the_server_logs_its_replies(NewsTransport transport)
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 20);
        var printed = new Transcript();
        using var client = new NewsClient(server.BaseAddress, transport, printed.Add);
        await client.ConnectAsync().WaitAsync(Wait.DefaultTimeout);

        // news arrives, and each reply reaches the server.
        await printed.WaitForText("news: Hello Socket.IO", count: 3);
        await server.Steps.WaitForText("Hello Node.JS", count: 3);

        // Acknowledgements both ways.
        Assert.Equal("서버의 답: \"C#?\" 잘 받았습니다.", await client.AskAsync("C#?").WaitAsync(Wait.DefaultTimeout));
        var socket = server.Sockets[client.Id!];
        var answer = await socket.Timeout(Wait.DefaultTimeout).EmitWithAckAsync<string>("whoAreYou");
        Assert.Equal("C# 콘솔 클라이언트입니다.", answer);

        await client.DisconnectAsync();
        await server.Steps.WaitForText($"클라이언트가 접속을 해제했습니다. (127.0.0.1, {client.Id})");
        Assert.DoesNotContain(printed.Lines, l => l.StartsWith("오류", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sockets_timer_stops_when_it_disconnects()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 20);
        var printed = new Transcript();
        using var leaving = new NewsClient(server.BaseAddress, NewsTransport.WebSocket, printed.Add);
        await leaving.ConnectAsync().WaitAsync(Wait.DefaultTimeout);
        await printed.WaitForText("news:", count: 2);
        var leavingId = leaving.Id!;
        await leaving.DisconnectAsync();
        await server.Steps.WaitForText("클라이언트가 접속을 해제했습니다.");
        var sentBeforeLeaving = server.NewsSentTo(leavingId);

        // While another client receives three news (three intervals), a running timer would have ticked again.
        var staying = new Transcript();
        using var other = new NewsClient(server.BaseAddress, NewsTransport.WebSocket, staying.Add);
        await other.ConnectAsync().WaitAsync(Wait.DefaultTimeout);
        await staying.WaitForText("news:", count: 3);
        Assert.Equal(sentBeforeLeaving, server.NewsSentTo(leavingId));
    }
}
