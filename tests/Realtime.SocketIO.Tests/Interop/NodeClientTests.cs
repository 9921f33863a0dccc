using System.Text.Json;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// The official Node client, socket.io-client 4.8.4 from the repository's node_modules, against this server. Each
/// test runs one script of <c>node/</c>, which prints a JSON line per observation:
/// <list type="bullet">
/// <item><c>sio-session.mjs</c>: with the default transports (polling, then the upgrade to WebSocket), WebSocket only
/// and polling only: events, acknowledgements both ways, binary both ways, /goods on the same connection.</item>
/// <item><c>sio-burst.mjs</c>, <c>sio-nested.mjs</c>: many packets at once; binary inside objects.</item>
/// <item><c>sio-refusal.mjs</c>, <c>sio-oversize.mjs</c>, <c>sio-dynamic.mjs</c>: a middleware refusal and a
/// server-side disconnect, a message over MaxHttpBufferSize, namespaces created by a pattern.</item>
/// </list>
/// </summary>
public sealed class NodeClientTests
{
    [Theory]
    [InlineData("default", "polling", "websocket")]
    [InlineData("websocket", "websocket", "websocket")]
    [InlineData("polling", "polling", "polling")]
    public async Task The_official_node_client_runs_a_whole_session(string mode, string connectsOver, string exchangesOver)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => SessionServer.Configure(io, server));

        var lines = await NodeScript.RunAsync("sio-session.mjs", [host.BaseAddress.ToString(), mode]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);
        var all = string.Join("\n", lines);

        Assert.DoesNotContain("error", seen.Keys);
        var connect = seen["connect"];
        Assert.Equal(connectsOver, connect.GetProperty("openedOver").GetString());
        Assert.Equal(mode == "default", seen.ContainsKey("upgrade"));
        // Everything after the connect (and the upgrade, by default) travelled over one transport.
        Assert.All(lines.Where(l => l.TryGetProperty("transport", out _) && l.GetProperty("event").GetString() != "upgrade"),
            l => Assert.Equal(exchangesOver, l.GetProperty("transport").GetString()));

        Assert.Equal(new Greeting("김철수님", 2), seen["hello-back"].GetProperty("greeting").Deserialize<Greeting>(JsonSerializerOptions.Web));
        Assert.Equal("서버의 답: \"잘 들리나요?\" 잘 받았습니다.", seen["question-ack"].GetProperty("answer").GetString());
        Assert.Equal("누구세요?", seen["whoAreYou"].GetProperty("question").GetString());
        Assert.Equal("Node 클라이언트입니다. (누구세요?)", seen["interviewed"].GetProperty("answer").GetString());

        var download = seen["download"];
        Assert.Equal("photo.bin", download.GetProperty("name").GetString());
        Assert.Equal(1000, download.GetProperty("length").GetInt32());
        Assert.True(download.GetProperty("reversed").GetBoolean(), all);
        Assert.True(seen["checksum-ack"].GetProperty("same").GetBoolean(), all);
        Assert.Equal(1000, seen["checksum-ack"].GetProperty("length").GetInt32());

        var goods = seen["goods-connect"];
        Assert.Equal("/goods", goods.GetProperty("nsp").GetString());
        Assert.True(goods.GetProperty("sameManager").GetBoolean());
        Assert.True(goods.GetProperty("otherId").GetBoolean());
        Assert.Equal("사과 주문 완료 (/goods)", seen["buy-ack"].GetProperty("answer").GetString());

        Assert.Equal("io client disconnect", seen["disconnect"].GetProperty("reason").GetString());
        Assert.Equal("io client disconnect", seen["goods-disconnect"].GetProperty("reason").GetString());
        Assert.Equal("forced close", seen["engine-close"].GetProperty("reason").GetString());

        // The server side: the bytes arrived intact in a byte[] parameter, over the expected transport, and both
        // sockets left as the client asked.
        await server.WaitForText("disconnect / client namespace disconnect");
        Assert.Contains($"connection / over {connectsOver} (id {connect.GetProperty("id").GetString()})", server.Lines);
        Assert.Contains($"upload photo.bin 1000 bytes, same as sent: True, over {exchangesOver}", server.Lines);
        Assert.Contains("disconnect /goods client namespace disconnect", server.Lines);
    }

    /// <summary>
    /// The default session as the Node client saw it, and as the server's handlers saw it. Deterministic: the script
    /// waits for the upgrade before its first emit and awaits each answer before the next step.
    /// </summary>
    [Fact]
    public async Task Snapshot_of_a_session_that_starts_with_polling_and_upgrades()
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => SessionServer.Configure(io, server));

        var lines = await NodeScript.RunAsync("sio-session.mjs", [host.BaseAddress.ToString(), "default"]);
        await server.WaitForText("disconnect / client namespace disconnect");

        var scrubber = Scrubber.Default();
        scrubber.Id(lines[0].GetProperty("id").GetString()!, "socket");
        var transcript = new Transcript();
        transcript.Section("what the Node client printed, in order (node/sio-session.mjs default)");
        foreach (var line in lines) transcript.Add(line.GetRawText());
        transcript.Section("what the server's handlers saw, in order");
        foreach (var line in server.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), scrubber);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Bursts_of_text_and_binary_packets_arrive_complete_and_in_order_both_ways(string transport)
    {
        const int count = 200;
        var received = new List<(int Index, string Kind)>();
        var intact = true;
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("in", (SocketIOArgs args) =>
            {
                var i = args.Get<int>(0);
                var ok = i % 3 == 0 ? args.Get<byte[]>(1)!.SequenceEqual(new byte[] { (byte)i, 0x00, 0xff }) : args.Get<string>(1) == $"메시지 {i} 😀";
                lock (received) { received.Add((i, i % 3 == 0 ? "binary" : "text")); intact &= ok; }
            });
            socket.On("tally", () =>
            {
                lock (received) return new { count = received.Count, inOrder = received.Select(r => r.Index).SequenceEqual(Enumerable.Range(0, received.Count)), intact };
            });
            socket.On("send-burst", (int n) =>
            {
                for (var i = 0; i < n; i++)
                {
                    if (i % 3 == 0) socket.Emit("seq", i, new byte[] { (byte)i, 0x00, 0xff });
                    else socket.Emit("seq", i, $"메시지 {i} 😀");
                }
            });
        }));

        var lines = await NodeScript.RunAsync("sio-burst.mjs", [host.BaseAddress.ToString(), transport, count.ToString()]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        var atServer = seen["server-received"];
        Assert.Equal(count, atServer.GetProperty("count").GetInt32());
        Assert.True(atServer.GetProperty("inOrder").GetBoolean());
        Assert.True(atServer.GetProperty("intact").GetBoolean());
        var atClient = seen["client-received"];
        Assert.Equal(transport, atClient.GetProperty("transport").GetString());
        Assert.Equal(count, atClient.GetProperty("count").GetInt32());
        Assert.True(atClient.GetProperty("inOrder").GetBoolean());
        Assert.True(atClient.GetProperty("intact").GetBoolean());
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_refusal_carries_its_data_and_a_server_disconnect_is_not_retried(string transport)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
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
            io.On("connection", socket =>
            {
                server.Add("connection");
                socket.On("kick-me", () => socket.Disconnect());
                socket.On("disconnect", (string reason) => server.Add($"disconnect {reason}"));
            });
        });

        var lines = await NodeScript.RunAsync("sio-refusal.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        var error = seen["connect_error"];
        Assert.Equal("not authorized", error.GetProperty("message").GetString());
        Assert.Equal("토큰을 확인하세요", error.GetProperty("data").GetProperty("content").GetString());
        Assert.False(error.GetProperty("active").GetBoolean());      // a refusal by the server is final
        Assert.Equal(transport, seen["connect"].GetProperty("transport").GetString());
        Assert.Equal("io server disconnect", seen["disconnect"].GetProperty("reason").GetString());
        Assert.False(seen["disconnect"].GetProperty("active").GetBoolean());
        await server.WaitForText("disconnect ");
        Assert.Equal(["connection", "disconnect server namespace disconnect"], server.Lines);
    }

    /// <summary>
    /// Over polling the oversized POST gets 413, the client reports a "transport error" and closes its session
    /// (a "transport close" on the server); over WebSocket the server closes the socket (1009, message too big).
    /// </summary>
    [Theory]
    [InlineData("polling", "transport error", "transport close")]
    [InlineData("websocket", "transport close", "transport error")]
    public async Task A_message_over_MaxHttpBufferSize_drops_only_that_client(string transport, string clientReason, string serverReason)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("big", (string text) => server.Add($"big {text.Length} characters"));
            socket.On("question", (string question) => $"네: {question}");
            socket.On("disconnect", (string reason) => server.Add($"disconnect {reason}"));
        }));

        var lines = await NodeScript.RunAsync("sio-oversize.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.Equal(clientReason, seen["greedy-disconnect"].GetProperty("reason").GetString());
        Assert.Equal("네: 아직 되나요?", seen["polite-ack"].GetProperty("answer").GetString());
        await server.WaitForText("disconnect ", count: 2);
        Assert.DoesNotContain(server.Lines, l => l.StartsWith("big ", StringComparison.Ordinal));
        // Two connections: the order of their disconnects on the server is not fixed.
        Assert.Equal(["disconnect client namespace disconnect", $"disconnect {serverReason}"], server.Lines.Order(StringComparer.Ordinal));
    }

    public record Photo(string Name, byte[] Data);

    public record Album(string Title, Photo[] Photos, byte[] Cover);

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Binary_inside_objects_and_arrays_reaches_typed_handlers_and_the_client(string transport)
    {
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("album", (Album album) =>
                $"{album.Title}: {string.Join(", ", album.Photos.Select(p => $"{p.Name}={Convert.ToHexString(p.Data)}"))}, cover {System.Text.Encoding.UTF8.GetString(album.Cover)}");
            socket.On("album-back", () => new Album("귀국", [new Photo("c.png", [0xca, 0xfe]), new Photo("d.png", [])], System.Text.Encoding.UTF8.GetBytes("끝")));
        }));

        var lines = await NodeScript.RunAsync("sio-nested.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.Equal("여행: a.jpg=010203, b.jpg=FF00, cover 표지", seen["album-ack"].GetProperty("summary").GetString());
        Assert.Equal("""{"event":"album-back","title":"귀국","photos":[{"name":"c.png","data":"cafe","isBinary":true},{"name":"d.png","data":"","isBinary":true}],"cover":"끝"}""",
            seen["album-back"].GetRawText());
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_namespace_pattern_accepts_matching_names_and_refuses_others(string transport)
    {
        string? parent = null;
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
            io.Of(new System.Text.RegularExpressions.Regex(@"^/room-\d+$")).On("connection", socket =>
            {
                parent = socket.Nsp.Parent?.Name;
                socket.On("where", () => socket.Nsp.Name);
            }));

        var lines = await NodeScript.RunAsync("sio-dynamic.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.Equal("/room-42", seen["room-connect"].GetProperty("welcome").GetString());
        Assert.StartsWith("/_", parent);                     // as Node names a parent namespace: "/_" + a counter
        Assert.Equal("Invalid namespace", seen["wrong-connect_error"].GetProperty("message").GetString());
        Assert.True(seen["wrong-connect_error"].GetProperty("roomStillConnected").GetBoolean());
    }
}
