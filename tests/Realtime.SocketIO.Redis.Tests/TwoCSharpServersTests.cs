using System.Text.Json;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// Two C# servers share one real redis-server; official clients (socket.io-client in Node) connect to one or the other.
/// Everything a single server does with rooms must now work across both.
/// </summary>
public sealed class TwoCSharpServersTests
{
    [Fact]
    public async Task A_room_broadcast_on_one_server_reaches_the_room_on_the_other_and_only_it()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address);
        await using var inRoomOnB = await NodePeer.ConnectAsync(b.Address);
        await using var elsewhereOnB = await NodePeer.ConnectAsync(b.Address);
        await inRoomOnB.EmitWithAckAsync("join", "r1");
        await elsewhereOnB.EmitWithAckAsync("join", "r2");

        await onA.SendAsync(new { emit = new object[] { "chat", new { room = "r1", text = "안녕", n = 1.5 } } });
        await inRoomOnB.WaitForEvent("chat");
        Assert.Equal("""[{"room":"r1","text":"안녕","n":1.5}]""", inRoomOnB.Received("chat")[0].GetRawText());

        // io.Emit on B reaches A's client too; by then r1's chat would have reached elsewhereOnB, had it been sent there.
        await elsewhereOnB.SendAsync(new { emit = new object[] { "broadcast", "all" } });
        await onA.WaitForEvent("news");
        await elsewhereOnB.WaitForEvent("news");
        Assert.Empty(elsewhereOnB.Received("chat"));
        Assert.Empty(onA.Received("chat"));
    }

    [Fact]
    public async Task Except_and_Local_are_honoured_across_servers_and_binary_arrives_as_binary()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onB1 = await NodePeer.ConnectAsync(b.Address);
        await using var onB2 = await NodePeer.ConnectAsync(b.Address);
        await onB2.EmitWithAckAsync("join", "muted");

        a.IO.Local.Emit("local-only", 1);                                    // stays on A: nobody there
        a.IO.Except("muted").Emit("bytes", new byte[] { 1, 2, 3 }, new { nested = new byte[] { 4 } });
        await onB1.WaitForEvent("bytes");
        Assert.Equal("""[{"$binary":"AQID"},{"nested":{"$binary":"BA=="}}]""", onB1.Received("bytes")[0].GetRawText());

        b.IO.Emit("marker");                                                 // after both: proves the others never came
        await onB2.WaitForEvent("marker");
        Assert.Empty(onB2.Received("bytes"));
        Assert.Empty(onB1.Received("local-only"));
    }

    [Fact]
    public async Task FetchSockets_SocketsJoin_SocketsLeave_and_DisconnectSockets_reach_the_other_server()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address);
        await using var onB = await NodePeer.ConnectAsync(b.Address);
        await onB.EmitWithAckAsync("join", "r1");

        Assert.Equal(2, await a.IO.ServerCountAsync());
        var all = await a.IO.FetchSocketsAsync();
        Assert.Equal(new[] { onA.SocketId, onB.SocketId }.Order(), all.Select(s => s.Id).Order());
        var remote = Assert.IsType<SocketIORemoteSocket>(Assert.Single(await a.IO.In("r1").FetchSocketsAsync()));
        Assert.Equal(onB.SocketId, remote.Id);
        Assert.Equal([onB.SocketId, "r1"], remote.Rooms);                    // its own room first, as joined
        Assert.Equal("B", ((JsonElement)remote.Data["server"]!).GetString());
        Assert.Equal("websocket", remote.Handshake.Query["transport"]);
        Assert.Equal("4", remote.Handshake.Query["EIO"]);
        Assert.True(remote.Handshake.Issued > 0);

        // Actions on the remote copy travel to B.
        remote.Emit("direct", "to you");
        await onB.WaitForEvent("direct");
        a.IO.SocketsJoin("everyone");                                        // both servers' sockets join
        a.IO.To("everyone").Emit("joined");
        await onA.WaitForEvent("joined");
        await onB.WaitForEvent("joined");
        remote.Leave("r1");
        await Wait.For(WaitUntilAsync(async () => (await a.IO.In("r1").FetchSocketsAsync()).Count == 0), "B's socket to leave r1");

        a.IO.In("everyone").Except(onA.SocketId).DisconnectSockets();
        await onB.Output.WaitForText("io server disconnect");
        Assert.Equal([onA.SocketId], (await b.IO.FetchSocketsAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task A_remote_join_then_an_emit_to_that_room_arrive_at_the_other_server_in_that_order()
    {
        // io.socketsJoin(room) travels on the request channel, io.to(room).emit(…) on the broadcast channel: the other
        // server must apply them in the order they were sent, as Node's adapter does on its one subscriber connection.
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onB = await NodePeer.ConnectAsync(b.Address);
        Assert.Equal(2, await a.IO.ServerCountAsync());

        for (var i = 0; i < 500; i++)
        {
            a.IO.SocketsJoin($"room-{i}");
            a.IO.To($"room-{i}").Emit("hello", i);
        }
        await onB.WaitForEvent("hello", 500);
        Assert.Equal(Enumerable.Range(0, 500), onB.Received("hello").Select(args => args[0].GetInt32()));
    }

    [Fact]
    public async Task ServerSideEmit_reaches_the_other_servers_handlers_and_an_ack_collects_one_answer_per_server()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = await CSharpNode.StartAsync(redis, "A", o => o.RequestsTimeout = TimeSpan.FromSeconds(2));
        await using var b = await CSharpNode.StartAsync(redis, "B", configure: io =>
        {
            io.OnServerSideEmit("hello", args => heard.TrySetResult(args.Get<string>(0)!));
            io.OnServerSideEmit("ping", args => args.Ack?.Invoke($"pong from B ({args.Get<string>(0)})"));
        });
        await using var c = await CSharpNode.StartAsync(redis, "C");   // answers nothing: no "ping" handler

        a.IO.ServerSideEmit("hello", "world");
        Assert.Equal("world", await Wait.For(heard.Task, "B to hear A's server-side emit"));

        var timeout = await Assert.ThrowsAsync<SocketIOClusterTimeoutException>(() => a.IO.ServerSideEmitWithAckAsync("ping", "A"));
        Assert.Equal(2, timeout.Expected);
        Assert.Equal(1, timeout.Received);
        Assert.Equal([b.Adapter.Uid], timeout.Answered);                    // C is the one that did not answer
        Assert.Contains("1 of 2 servers answered", timeout.Message);

        await c.DisposeAsync();                                              // a server that leaves is no longer counted
        await Wait.For(WaitUntilAsync(async () => await a.IO.ServerCountAsync() == 2), "the cluster to count two servers");
        var answers = await a.IO.ServerSideEmitWithAckAsync("ping", "A");
        Assert.Equal("pong from B (A)", Assert.Single(answers).GetString());
    }

    [Fact]
    public async Task Each_namespace_is_its_own_cluster_channel()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A", configure: io => io.Of("/goods"));
        await using var b = await CSharpNode.StartAsync(redis, "B", configure: io => io.Of("/goods"));
        await Wait.For(((RedisSocketIOAdapter)b.IO.Of("/goods").Adapter).Subscribed, "B's /goods adapter to subscribe");
        await using var goodsOnB = await NodePeer.ConnectAsync(new Uri(b.Address, "goods"));
        await using var mainOnB = await NodePeer.ConnectAsync(b.Address);

        a.IO.Of("/goods").Emit("stock", new { goods = "라떼", left = 3 });
        await goodsOnB.WaitForEvent("stock");
        Assert.Equal("""[{"goods":"라떼","left":3}]""", goodsOnB.Received("stock")[0].GetRawText());
        a.IO.Emit("marker");                                                 // the main namespace's, sent after
        await mainOnB.WaitForEvent("marker");
        Assert.Empty(mainOnB.Received("stock"));
    }

    /// <summary>Re-checks a condition each time until it holds (for state with no event of its own).</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition()) await Task.Delay(20);
    }
}
