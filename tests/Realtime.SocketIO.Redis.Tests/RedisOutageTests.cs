using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// Redis goes away (killed, as a crash would) and comes back on the same port. Each server keeps serving its own
/// clients as a single server would, says so once in its log, and cluster traffic resumes by itself.
/// </summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task While_Redis_is_down_local_traffic_flows_and_when_it_returns_cluster_traffic_resumes()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var sender = await NodePeer.ConnectAsync(a.Address);
        await using var onA = await NodePeer.ConnectAsync(a.Address);
        await using var onB = await NodePeer.ConnectAsync(b.Address);
        await onA.EmitWithAckAsync("join", "r1");
        await onB.EmitWithAckAsync("join", "r1");
        await sender.SendAsync(new { emit = new object[] { "chat", new { room = "r1", n = 1 } } });
        await onB.WaitForEvent("chat");

        await redis.StopAsync();
        await a.Log.WaitForText("lost Redis");
        await b.Log.WaitForText("lost Redis");

        // A still serves its own clients; cluster queries answer for this server alone, without throwing.
        await sender.SendAsync(new { emit = new object[] { "chat", new { room = "r1", n = 2 } } });
        await onA.WaitForEvent("chat", 2);
        Assert.Equal(1, await a.IO.ServerCountAsync());
        Assert.Equal([onA.SocketId], (await a.IO.In("r1").FetchSocketsAsync()).Select(s => s.Id));
        a.IO.SocketsJoin("while-down");                                      // applied locally, not thrown
        Assert.Equal(2, (await a.IO.In("while-down").FetchSocketsAsync()).Count);

        await redis.StartAsync();
        await a.Log.WaitForText("reached Redis again");
        await b.Log.WaitForText("reached Redis again");
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () => await a.IO.ServerCountAsync() == 2), "both servers back in the cluster");
        // PUBSUB NUMPAT counts distinct patterns (both servers use one): count the connections holding a pattern.
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () =>
            (await redis.CommandAsync("CLIENT", "LIST")).Split('\n').Count(c => c.Contains(" psub=1 ", StringComparison.Ordinal)) == 2),
            "both servers' broadcast patterns subscribed again");

        await sender.SendAsync(new { emit = new object[] { "chat", new { room = "r1", n = 3 } } });
        await onB.WaitForEvent("chat", 2);
        Assert.Equal("""[{"room":"r1","n":3}]""", onB.Received("chat")[1].GetRawText()); // n = 2 never crossed: it was not queued
        Assert.Equal(1, a.Log.Count(l => l.Contains("lost Redis", StringComparison.Ordinal)));  // one line per outage
        Assert.Equal(1, b.Log.Count(l => l.Contains("lost Redis", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_server_started_while_Redis_is_down_serves_its_clients_and_joins_the_cluster_when_Redis_comes()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.StopAsync();                                             // the port is known, nobody listens
        await using var a = await StartWithoutRedisAsync(redis, "A");
        await using var onA = await NodePeer.ConnectAsync(a.Address);
        await onA.EmitWithAckAsync("join", "r1");
        a.IO.To("r1").Emit("local", 1);
        await onA.WaitForEvent("local");

        await redis.StartAsync();
        await Wait.For(a.Adapter.Subscribed, "A to subscribe once Redis is there");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () => await b.IO.ServerCountAsync() == 2), "A in the cluster");
        b.IO.To("r1").Emit("from-b", 2);
        await onA.WaitForEvent("from-b");
    }

    /// <summary>Starts a node without waiting for its subscriptions (they cannot be made while Redis is down).</summary>
    private static async Task<CSharpNode> StartWithoutRedisAsync(RedisServer redis, string name)
    {
        var starting = CSharpNode.StartAsync(redis, name, waitForCluster: false);
        var node = await starting;
        await node.Log.WaitForText("lost Redis");
        return node;
    }

    [Fact]
    public async Task Garbage_on_the_cluster_channels_is_ignored_and_the_cluster_keeps_working()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onB = await NodePeer.ConnectAsync(b.Address);

        // Not MessagePack, MessagePack of the wrong shape, broken JSON, JSON of the wrong types, an unknown request type.
        foreach (var (channel, message) in new[]
                 {
                     ("socket.io#/#", "\u00c1\u00c1garbage"), ("socket.io#/#", "\u0093\u00a1x\u00c0\u00c0"),
                     ("socket.io-request#/#", "{\"type\":"), ("socket.io-request#/#", "{\"type\":5,\"requestId\":7,\"opts\":\"no\"}"),
                     ("socket.io-request#/#", "{\"type\":6,\"data\":{}}"), ("socket.io-request#/#", "{\"type\":99}"),
                     ("socket.io-response#/#", "{\"requestId\":[1]}"),
                 })
            await redis.CommandAsync("PUBLISH", channel, message);

        a.IO.Emit("still-works");
        await onB.WaitForEvent("still-works");
        Assert.Equal(onB.SocketId, Assert.Single(await a.IO.FetchSocketsAsync()).Id); // the request path works too
        Assert.DoesNotContain(a.Log.Lines.Concat(b.Log.Lines), l => l.Contains("threw", StringComparison.Ordinal));
    }
}
