using Realtime.Testing;
using StackExchange.Redis;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// Emitting from a process that hosts no Socket.IO server: our <see cref="SocketIORedisEmitter"/> reaches the clients of
/// C# and Node servers alike, and the official <c>@socket.io/redis-emitter</c> reaches the clients of a C# server.
/// </summary>
public sealed class EmitterTests
{
    [Fact]
    public async Task The_CSharp_emitter_reaches_a_room_on_a_CSharp_and_on_a_Node_server_and_the_Node_emitter_reaches_CSharp()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var csharp = await CSharpNode.StartAsync(redis, "csharp");
        var nodePort = RedisServer.FreeLoopbackPort();
        await using var node = await NodePeer.StartServerAsync(redis, nodePort);
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () =>
            (await redis.CommandAsync("PUBSUB", "NUMSUB", "socket.io-request#/#")).EndsWith(":2\r\n", StringComparison.Ordinal)), "two servers in the cluster");
        await using var onCSharp = await NodePeer.ConnectAsync(csharp.Address);
        await using var onNode = await NodePeer.ConnectAsync(new Uri($"http://127.0.0.1:{nodePort}/"));
        await using var notInRoom = await NodePeer.ConnectAsync(csharp.Address);
        await onCSharp.EmitWithAckAsync("join", "orders");
        await onNode.EmitWithAckAsync("join", "orders");

        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var emitter = new SocketIORedisEmitter(multiplexer);
        emitter.To("orders").Emit("BUY_GOODS", new { goods = "라떼", buyer = "지수" }, new byte[] { 9 });
        await onCSharp.WaitForEvent("BUY_GOODS");
        await onNode.WaitForEvent("BUY_GOODS");
        const string expected = """[{"goods":"라떼","buyer":"지수"},{"$binary":"CQ=="}]""";
        Assert.Equal(expected, onCSharp.Received("BUY_GOODS")[0].GetRawText());
        Assert.Equal(expected, onNode.Received("BUY_GOODS")[0].GetRawText());

        // The official emitter (Node) into the C# server.
        await using (var official = NodePeer.Start("node-emitter.mjs", [$"redis://{redis.Configuration}", "orders", "restock", """{"goods":"모카"}"""]))
            await official.Output.WaitFor(l => l.Contains("\"emitted\"", StringComparison.Ordinal), timeout: NodePeer.StartTimeout, what: "the official emitter");
        await onCSharp.WaitForEvent("restock");
        Assert.Equal("""[{"goods":"모카"},{"$binary":"AQID"}]""", onCSharp.Received("restock")[0].GetRawText());

        // Room operations from the emitter: everyone in "orders" also joins "vip", on both servers.
        emitter.In("orders").SocketsJoin("vip");
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () => (await csharp.IO.In("vip").FetchSocketsAsync()).Count == 2), "both sockets to join vip");
        emitter.To("vip").Emit("vip-only");
        await onCSharp.WaitForEvent("vip-only");
        await onNode.WaitForEvent("vip-only");
        emitter.Emit("to-all");                                              // the one not in a room sees only this
        await notInRoom.WaitForEvent("to-all");
        Assert.Empty(notInRoom.Received("BUY_GOODS"));
        Assert.Empty(notInRoom.Received("vip-only"));
    }
}
