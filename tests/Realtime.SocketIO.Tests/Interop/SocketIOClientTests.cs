using System.Text.Json;
using Realtime.EngineIO;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;
using SocketIOClient;
using SocketIOClient.JsonSerializer;
using SocketIOClient.Transport;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// The C# client SocketIOClient 3.0.6 against this server, each case over real HTTP long-polling and over WebSocket.
/// (Inside a <c>Realtime.SocketIO.*</c> namespace the simple name <c>SocketIO</c> means the library's namespace, so the
/// client class is written <c>SocketIOClient.SocketIO</c>.)
/// </summary>
public sealed class SocketIOClientTests : IAsyncLifetime
{
    private readonly List<SocketIOTestHost> _hosts = [];
    private readonly List<SocketIOClient.SocketIO> _clients = [];

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Events_travel_both_ways(string transport)
    {
        var greeted = Signal<(Greeting Greeting, string Transport)>();
        var host = await StartHostAsync(io => io.On("connection", socket =>
        {
            socket.Emit("welcome", "어서 오세요", new { socket.Id });
            socket.On("hello", (Greeting greeting) =>
            {
                greeted.TrySetResult((greeting, socket.Conn.Transport));
                socket.Emit("hello-back", new Greeting(greeting.Name + "님", greeting.Count + 1));
            });
        }));
        var client = NewClient(host.BaseAddress, transport);
        var welcome = Signal<(string Text, string Id)>();
        var helloBack = Signal<Greeting>();
        client.On("welcome", r => welcome.TrySetResult((r.GetValue<string>(0), r.GetValue<JsonElement>(1).GetProperty("id").GetString()!)));
        client.On("hello-back", r => helloBack.TrySetResult(r.GetValue<Greeting>()));

        await ConnectAsync(client);
        await client.EmitAsync("hello", new Greeting("김철수", 1));

        var (text, id) = await Wait.For(welcome.Task, "welcome");
        Assert.Equal("어서 오세요", text);
        Assert.Equal(client.Id, id);
        var (greeting, serverTransport) = await Wait.For(greeted.Task, "the server's hello handler");
        Assert.Equal(new Greeting("김철수", 1), greeting);
        Assert.Equal(transport, serverTransport);           // AutoUpgrade = false: polling stays polling
        Assert.Equal(new Greeting("김철수님", 2), await Wait.For(helloBack.Task, "hello-back"));
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Acknowledgements_travel_both_ways(string transport)
    {
        var interview = Signal<string?>();
        var host = await StartHostAsync(io => io.On("connection", socket =>
        {
            // Client → server: the handler's return value answers the client's callback.
            socket.On("question", (string question) => $"서버의 답: \"{question}\" 잘 받았습니다.");
            // Server → client: emitWithAck, answered by the client's handler calling back.
            socket.On("interview-me", async () =>
            {
                try { interview.TrySetResult(await socket.Timeout(Wait.DefaultTimeout).EmitWithAckAsync<string>("whoAreYou", "누구세요?")); }
                catch (Exception e) { interview.TrySetException(e); }
            });
        }));
        var client = NewClient(host.BaseAddress, transport);
        var asked = Signal<string>();
        // The callback's POST (polling) is awaited by the test, not left running in an async void handler.
        var callbackSent = Signal<Task>();
        client.On("whoAreYou", r => callbackSent.TrySetResult(r.CallbackAsync($"C# 클라이언트입니다. ({r.GetValue<string>()})")));

        await ConnectAsync(client);
        await client.EmitAsync("question", r => asked.TrySetResult(r.GetValue<string>()), "잘 들리나요?");
        await client.EmitAsync("interview-me");

        Assert.Equal("서버의 답: \"잘 들리나요?\" 잘 받았습니다.", await Wait.For(asked.Task, "the answer to question"));
        await Wait.For(await Wait.For(callbackSent.Task, "whoAreYou on the client"), "the client's callback to be sent");
        Assert.Equal("C# 클라이언트입니다. (누구세요?)", await Wait.For(interview.Task, "the client's answer to whoAreYou"));
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Acknowledgements_carry_several_arguments_and_binary(string transport)
    {
        var clientAnswer = Signal<SocketIOArgs>();
        var host = await StartHostAsync(io => io.On("connection", socket =>
        {
            // SocketIOAck answers with any number of arguments (Node: callback(a, b, c)).
            socket.On("stats", (string name, SocketIOAck ack) => ack(name, 3, new { bytes = new byte[] { 1, 2, 3 } }));
            socket.On("ask-for-bytes", async () =>
            {
                try { clientAnswer.TrySetResult(await socket.Timeout(Wait.DefaultTimeout).EmitWithAckAsync("give-bytes")); }
                catch (Exception e) { clientAnswer.TrySetException(e); }
            });
        }));
        var client = NewClient(host.BaseAddress, transport);
        var callbackSent = Signal<Task>();
        client.On("give-bytes", r => callbackSent.TrySetResult(r.CallbackAsync("bytes", new byte[] { 0xde, 0xad, 0xbe, 0xef })));
        var stats = Signal<(string Name, int Count, byte[] Bytes)>();

        await ConnectAsync(client);
        await client.EmitAsync("stats", r => stats.TrySetResult((r.GetValue<string>(0), r.GetValue<int>(1), r.InComingBytes[0])), "photo");
        await client.EmitAsync("ask-for-bytes");

        var (name, count, bytes) = await Wait.For(stats.Task, "the stats acknowledgement");
        Assert.Equal(("photo", 3), (name, count));
        Assert.Equal([1, 2, 3], bytes);
        await Wait.For(await Wait.For(callbackSent.Task, "give-bytes on the client"), "the client's callback to be sent");
        var answer = await Wait.For(clientAnswer.Task, "the client's binary answer");
        Assert.Equal(2, answer.Count);
        Assert.Equal("bytes", answer.Get<string>(0));
        Assert.Equal([0xde, 0xad, 0xbe, 0xef], answer.Get<byte[]>(1));
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Binary_travels_both_ways_as_attachments(string transport)
    {
        byte[] photo = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];  // every byte value, 0x00 and 0xff included
        var uploaded = Signal<(string Name, byte[] Data)>();
        var host = await StartHostAsync(io => io.On("connection", socket =>
        {
            socket.On("upload", (string name, byte[] data) =>
            {
                uploaded.TrySetResult((name, data));
                socket.Emit("download", name, data.Reverse().ToArray());
            });
            socket.On("checksum", (byte[] data) => new { length = data.Length, data });  // an ack carrying binary
        }));
        var client = NewClient(host.BaseAddress, transport);
        var downloaded = Signal<(string Name, byte[] Data)>();
        client.On("download", r => downloaded.TrySetResult((r.GetValue<string>(0), r.GetValue<byte[]>(1))));
        var checksum = Signal<(int Length, byte[] Data)>();

        await ConnectAsync(client);
        await client.EmitAsync("upload", "photo.bin", photo);
        await client.EmitAsync("checksum", r =>
        {
            var answer = r.GetValue<JsonElement>();
            checksum.TrySetResult((answer.GetProperty("length").GetInt32(), r.InComingBytes[0]));
        }, photo);

        var (name, data) = await Wait.For(uploaded.Task, "the upload on the server");
        Assert.Equal("photo.bin", name);
        Assert.Equal(photo, data);
        var (downloadedName, downloadedData) = await Wait.For(downloaded.Task, "the download on the client");
        Assert.Equal("photo.bin", downloadedName);
        Assert.Equal(photo.Reverse(), downloadedData);
        var (length, echoed) = await Wait.For(checksum.Task, "the binary acknowledgement");
        Assert.Equal(1000, length);
        Assert.Equal(photo, echoed);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_room_broadcast_reaches_only_the_member(string transport)
    {
        var host = await StartHostAsync(io => io.On("connection", socket =>
            socket.On("join", (string room) => { socket.Join(room); return $"{room} 입장"; })));
        var member = NewClient(host.BaseAddress, transport);
        var outsider = NewClient(host.BaseAddress, transport);
        var memberSaw = new Transcript();
        var outsiderSaw = new Transcript();
        foreach (var (client, saw) in new[] { (member, memberSaw), (outsider, outsiderSaw) })
        {
            client.On("room-news", r => saw.Add("room-news " + r.GetValue<string>()));
            client.On("all-news", r => saw.Add("all-news " + r.GetValue<string>()));
        }
        await ConnectAsync(member);
        await ConnectAsync(outsider);
        var joined = Signal<string>();
        await member.EmitAsync("join", r => joined.TrySetResult(r.GetValue<string>()), "vip");
        Assert.Equal("vip 입장", await Wait.For(joined.Task, "the join acknowledgement"));

        host.IO.To("vip").Emit("room-news", "회원 전용 세일");
        // A broadcast to everyone afterwards: each connection keeps the order, so when the outsider has this one,
        // it would already have the room's message if it had been sent one.
        host.IO.Emit("all-news", "전체 공지");

        await memberSaw.WaitForText("all-news");
        await outsiderSaw.WaitForText("all-news");
        Assert.Equal(["room-news 회원 전용 세일", "all-news 전체 공지"], memberSaw.Lines);
        Assert.Equal(["all-news 전체 공지"], outsiderSaw.Lines);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_namespace_in_the_url_reaches_Of_that_namespace(string transport)
    {
        var mainConnections = 0;
        var host = await StartHostAsync(io =>
        {
            io.On("connection", _ => Interlocked.Increment(ref mainConnections));
            io.Of("/goods").On("connection", socket =>
            {
                socket.Emit("hello", socket.Nsp.Name);
                socket.On("buy", (string item) => $"{item} 주문 완료 ({socket.Nsp.Name})");
            });
        });
        var client = NewClient(new Uri(host.BaseAddress, "goods"), transport);
        var hello = Signal<string>();
        client.On("hello", r => hello.TrySetResult(r.GetValue<string>()));

        await ConnectAsync(client);
        var bought = Signal<string>();
        await client.EmitAsync("buy", r => bought.TrySetResult(r.GetValue<string>()), "사과");

        Assert.Equal("/goods", await Wait.For(hello.Task, "hello from /goods"));
        Assert.Equal("사과 주문 완료 (/goods)", await Wait.For(bought.Task, "the buy acknowledgement"));
        Assert.Equal(0, mainConnections);                    // v5 clients join only the namespace they ask for
        Assert.Equal([client.Id!], host.IO.Of("/goods").Sockets.Keys);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task The_auth_payload_and_the_query_reach_the_handshake(string transport)
    {
        var handshake = Signal<SocketIOHandshake>();
        var host = await StartHostAsync(io => io.On("connection", socket => handshake.TrySetResult(socket.Handshake)));
        var client = NewClient(host.BaseAddress, transport, o =>
        {
            o.Auth = new { token = "비밀-토큰", user = new { name = "kim" } };
            o.Query = [new("room", "lobby"), new("lang", "ko")];
        });

        await ConnectAsync(client);

        var received = await Wait.For(handshake.Task, "the connection");
        Assert.Equal("비밀-토큰", received.Auth.GetProperty("token").GetString());
        Assert.Equal("kim", received.Auth.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("lobby", received.Query["room"].ToString());
        Assert.Equal("ko", received.Query["lang"].ToString());
        Assert.Equal(transport, received.Query["transport"].ToString());
        Assert.Equal("4", received.Query["EIO"].ToString());
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_middleware_refusal_reaches_OnError_with_its_message(string transport)
    {
        var connections = new Transcript();
        var host = await StartHostAsync(io =>
        {
            io.Use(async (socket, next) =>
            {
                if (socket.Handshake.Auth.TryGetProperty("token", out var token) && token.GetString() == "good")
                {
                    await next();
                    return;
                }
                throw new SocketIOConnectException("not authorized", new { content = "토큰을 확인하세요" });
            });
            io.On("connection", socket => connections.Add(socket.Handshake.Auth.GetProperty("token").GetString()!));
        });
        var refused = NewClient(host.BaseAddress, transport, o => o.Auth = new { token = "bad" });
        var error = Signal<string>();
        var connected = false;
        refused.OnError += (_, message) => error.TrySetResult(message);
        refused.OnConnected += (_, _) => connected = true;

        var connecting = refused.ConnectAsync();
        Assert.Equal("not authorized", await Wait.For(error.Task, "OnError"));   // SocketIOClient drops the error's data
        await Wait.For(connecting, "ConnectAsync to return");

        // The refusal is per client: one with the right token gets in afterwards.
        var accepted = NewClient(host.BaseAddress, transport, o => o.Auth = new { token = "good" });
        await ConnectAsync(accepted);
        await connections.WaitForText("good");
        Assert.False(connected);
        Assert.False(refused.Connected);
        Assert.Equal(["good"], connections.Lines);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_server_side_Disconnect_is_seen_as_an_io_server_disconnect(string transport)
    {
        var serverReason = Signal<string>();
        var host = await StartHostAsync(io => io.On("connection", socket =>
        {
            socket.On("disconnect", (string reason) => serverReason.TrySetResult(reason));
            socket.On("kick-me", () => socket.Disconnect());
        }));
        var client = NewClient(host.BaseAddress, transport);
        var clientReason = Signal<string>();
        client.OnDisconnected += (_, reason) => clientReason.TrySetResult(reason);

        await ConnectAsync(client);
        await client.EmitAsync("kick-me");

        Assert.Equal("io server disconnect", await Wait.For(clientReason.Task, "OnDisconnected"));
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await Wait.For(serverReason.Task, "the server's disconnect handler"));
        Assert.False(client.Connected);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task The_client_reconnects_when_the_server_restarts_on_the_same_port(string transport)
    {
        var firstConnection = Signal<string>();
        var first = await StartHostAsync(io => io.On("connection", socket => firstConnection.TrySetResult(socket.Id)));
        var secondConnection = Signal<string>();
        var client = NewClient(first.BaseAddress, transport, o =>
        {
            o.Reconnection = true;
            o.ReconnectionDelay = 50;
            o.ReconnectionDelayMax = 200;
        });
        var disconnected = Signal<string>();
        var retrying = Signal<int>();
        var reconnected = Signal<int>();
        client.OnDisconnected += (_, reason) => disconnected.TrySetResult(reason);
        client.OnReconnectAttempt += (_, attempt) => retrying.TrySetResult(attempt);
        client.OnReconnected += (_, attempt) => reconnected.TrySetResult(attempt);

        await ConnectAsync(client);
        var firstId = await Wait.For(firstConnection.Task, "the first connection");
        Assert.Equal(client.Id, firstId);

        await first.StopAsync();                             // Ctrl+C: the port is free again
        Assert.Contains(await Wait.For(disconnected.Task, "OnDisconnected"), new[] { "transport close", "transport error" });
        // The new server starts once the client has found the old one gone. SocketIOClient 3.0.6 counts failed tries
        // only (SocketIO.ConnectCore adds one to Attempts when a try throws) and raises OnReconnected only if Attempts
        // is above 0 when CONNECT is answered (SocketIO.ConnectedHandler); else just OnConnected. Its first try comes
        // after it has closed the old WebSocket, so on a busy machine it could reach the new server and succeed, and
        // OnReconnected would never come. OnReconnectAttempt(1) is raised after a failed first try, before the second.
        // (Node's socket.io-client counts a try before making it: its "reconnect" always comes.)
        Assert.Equal(1, await Wait.For(retrying.Task, "OnReconnectAttempt"));

        await StartHostAsync(io => io.On("connection", socket => secondConnection.TrySetResult(socket.Id)), first.Port);
        Assert.True(await Wait.For(reconnected.Task, "OnReconnected") >= 1);
        var secondId = await Wait.For(secondConnection.Task, "a connection on the new server");
        Assert.NotEqual(firstId, secondId);                  // a new socket: rooms must be joined again
        Assert.Equal(client.Id, secondId);
    }

    /// <summary>
    /// SocketIOClient's AutoUpgrade is not Engine.IO's upgrade: after the polling handshake it opens a second, fresh
    /// session over WebSocket and joins the namespace there. The first session is never used again; the server closes
    /// it when its pings go unanswered (ping timeout, shortened here).
    /// </summary>
    [Fact]
    public async Task AutoUpgrade_opens_a_fresh_websocket_session_and_the_polling_one_times_out()
    {
        var connections = new Transcript();
        var sessions = new Transcript();   // the Engine.IO layer's own events: its log names sessions in full only at Debug
        var host = await StartHostAsync(
            io =>
            {
                io.On("connection", socket => connections.Add($"connection over {socket.Conn.Transport}, session {socket.Conn.Id}"));
                io.Engine.Connection += session =>
                {
                    sessions.Add($"{session.Id} opened over {session.Transport}");
                    session.Closed += (closed, reason, _) => sessions.Add($"{closed.Id} closed: {reason.ToNodeString()}");
                };
            },
            options: o => { o.PingInterval = TimeSpan.FromMilliseconds(300); o.PingTimeout = TimeSpan.FromSeconds(2); });
        var client = NewClient(host.BaseAddress, "polling", o => o.AutoUpgrade = true);

        await ConnectAsync(client);
        // The connection handler runs after CONNECT is sent (as in Node): wait for it before reading what it wrote.
        await connections.WaitForText("connection over ");
        await sessions.WaitForText("closed: ping timeout");

        var opened = sessions.Lines.Where(l => l.Contains(" opened over ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, opened.Count);
        Assert.EndsWith("opened over polling", opened[0]);
        Assert.EndsWith("opened over websocket", opened[1]);
        var pollingSession = opened[0].Split(' ')[0];
        var websocketSession = opened[1].Split(' ')[0];
        Assert.Contains($"{pollingSession} closed: ping timeout", sessions.Lines);
        Assert.Equal([$"connection over websocket, session {websocketSession}"], connections.Lines);
        Assert.True(client.Connected);                       // the WebSocket session answers its pings
    }

    private async Task<SocketIOTestHost> StartHostAsync(Action<SocketIOServer> configure, int port = 0, Action<SocketIOServerOptions>? options = null)
    {
        var host = await SocketIOTestHost.StartWithDefaultsAsync(configure, options, port);
        _hosts.Add(host);
        return host;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// The clients leave as an application does (DisconnectAsync, then Dispose), then the servers stop. A client that
    /// is only disposed never answers the server's WebSocket close frame, and the server waits its close-handshake
    /// timeout (5 s) for it.
    /// </summary>
    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.Connected) await Wait.For(client.DisconnectAsync(), "the client to leave");
            client.Dispose();
        }
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    /// <summary>A client on <paramref name="transport"/> only (no AutoUpgrade), JSON in the web's camelCase like JavaScript.</summary>
    private SocketIOClient.SocketIO NewClient(Uri url, string transport, Action<SocketIOOptions>? configure = null)
    {
        var options = new SocketIOOptions
        {
            Transport = transport == "websocket" ? TransportProtocol.WebSocket : TransportProtocol.Polling,
            AutoUpgrade = false,
            Reconnection = false,
            ConnectionTimeout = Wait.DefaultTimeout,
        };
        configure?.Invoke(options);
        var client = new SocketIOClient.SocketIO(url.ToString().TrimEnd('/'), options);
        ((SystemTextJsonSerializer)client.JsonSerializer).OptionsProvider = () => new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _clients.Add(client);
        return client;
    }

    /// <summary>ConnectAsync may return before the server accepted the namespace: wait for OnConnected too.</summary>
    private static async Task ConnectAsync(SocketIOClient.SocketIO client)
    {
        var connected = Signal<bool>();
        client.OnConnected += (_, _) => connected.TrySetResult(true);
        await Wait.For(client.ConnectAsync(), "ConnectAsync");
        await Wait.For(connected.Task, "OnConnected");
    }

    private static TaskCompletionSource<T> Signal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
