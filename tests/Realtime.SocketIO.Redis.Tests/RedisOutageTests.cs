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
}
