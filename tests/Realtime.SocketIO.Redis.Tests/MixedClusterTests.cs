using System.Text.Json;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// One cluster, two kinds of server: a C# server and the official Node server with the official
/// <c>@socket.io/redis-adapter</c> 8.3 (node/cluster-server.mjs), sharing one real redis-server. Clients are the official
/// socket.io-client. Each server must see the other's rooms, broadcasts, sockets and server-side events.
/// </summary>
public sealed class MixedClusterTests
{
    /// <summary>Both servers subscribe to the request channel: the cluster counts two.</summary>
    private static Task BothSubscribedAsync(RedisServer redis) =>
        Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () =>
            (await redis.CommandAsync("PUBSUB", "NUMSUB", "socket.io-request#/#")).EndsWith(":2\r\n", StringComparison.Ordinal)), "two servers in the cluster");

    [Fact]
    public async Task BenchHost_and_the_Node_server_deliver_room_broadcasts_to_each_others_clients_both_ways()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var csharp = await BenchHostProcess.StartAsync($"--Redis={redis.Configuration}", "--Logging:LogLevel:Realtime=Information");
        var nodePort = RedisServer.FreeLoopbackPort();
        await using var node = await NodePeer.StartServerAsync(redis, nodePort);
        await BothSubscribedAsync(redis);

        await using var onCSharp = await NodePeer.ConnectAsync(csharp.Address);
        await using var onNode = await NodePeer.ConnectAsync(new Uri($"http://127.0.0.1:{nodePort}/"), transport: "polling");
        await onCSharp.EmitWithAckAsync("join", "r1");
        await onNode.EmitWithAckAsync("join", "r1");

        // C# → Node: the C# server's io.To("r1").Emit reaches the client on the Node server.
        await onCSharp.SendAsync(new { emit = new object[] { "chat", new { room = "r1", text = "C#에서" } } });
        await onNode.WaitForEvent("chat");
        Assert.Equal("""[{"room":"r1","text":"C#에서"}]""", onNode.Received("chat")[0].GetRawText());

        // Node → C#.
        await onNode.SendAsync(new { emit = new object[] { "chat", new { room = "r1", text = "from node", list = new object[] { 1, 2.5, true, null! } } } });
        await onCSharp.WaitForEvent("chat", 2);
        Assert.Equal("""[{"room":"r1","text":"from node","list":[1,2.5,true,null]}]""", onCSharp.Received("chat")[1].GetRawText());

        // A broadcast to all from the Node side, and the Node server's view of the cluster.
        await onNode.SendAsync(new { emit = new object[] { "broadcast", "모두에게" } });
        await onCSharp.WaitForEvent("news");
        Assert.Equal(2, (await onNode.EmitWithAckAsync("server-count")).GetInt32());
        var fetched = await onNode.EmitWithAckAsync("fetch", "r1");
        var remote = fetched.EnumerateArray().Single(s => s.GetProperty("id").GetString() == onCSharp.SocketId);
        Assert.Equal($"""["{onCSharp.SocketId}","r1"]""", remote.GetProperty("rooms").GetRawText());
        Assert.Equal("websocket", remote.GetProperty("query").GetProperty("transport").GetString());
    }

    [Fact]
    public async Task FetchSockets_remote_join_and_server_side_emit_with_ack_work_between_CSharp_and_Node()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var csharp = await CSharpNode.StartAsync(redis, "csharp", configure: io =>
            io.OnServerSideEmit("ping", args => args.Ack?.Invoke($"pong from C# ({args.Get<string>(0)})")));
        var nodePort = RedisServer.FreeLoopbackPort();
        await using var node = await NodePeer.StartServerAsync(redis, nodePort);
        await BothSubscribedAsync(redis);
        await using var onNode = await NodePeer.ConnectAsync(new Uri($"http://127.0.0.1:{nodePort}/"));
        await onNode.EmitWithAckAsync("join", "r1");

        // The C# server fetches the Node server's socket: id, rooms, data, handshake.
        var remote = Assert.Single(await csharp.IO.In("r1").FetchSocketsAsync());
        Assert.Equal(onNode.SocketId, remote.Id);
        Assert.Equal([onNode.SocketId, "r1"], remote.Rooms);
        Assert.Equal("node", ((JsonElement)remote.Data["server"]!).GetString());
        Assert.Equal("websocket", remote.Handshake.Query["transport"]);

        // Server-side emit, both ways, with acks.
        var answers = await csharp.IO.ServerSideEmitWithAckAsync("ping", "C#");
        Assert.Equal("pong from node (C#)", Assert.Single(answers).GetString());
        var fromNode = await onNode.EmitWithAckAsync("server-side-emit", "ping");
        Assert.Equal("""{"answers":["pong from C# (from node)"]}""", fromNode.GetRawText());
        csharp.IO.ServerSideEmit("hello", "세계", 42);
        await node.Output.WaitForText("\"serverSideEmit\":\"hello\"");
        Assert.Contains("""{"serverSideEmit":"hello","args":["세계",42]}""", node.Output.Lines);

        // A remote join asked by C# moves the Node server's socket into a room; a room emit then reaches it.
        csharp.IO.SocketsJoin("everyone");
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () =>
            (await csharp.IO.In("everyone").FetchSocketsAsync()).Count == 1), "the Node socket to join \"everyone\"");
        csharp.IO.To("everyone").Emit("welcome", new byte[] { 7, 8 });
        await onNode.WaitForEvent("welcome");
        Assert.Equal("""[{"$binary":"Bwg="}]""", onNode.Received("welcome")[0].GetRawText());
    }
}
