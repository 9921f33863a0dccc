using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// The broadcast flags with two C# servers over one real redis-server and official clients: <c>Local</c> keeps a
/// broadcast on its server, <c>Volatile</c> crosses to the others, and a broadcast with acknowledgements.
/// </summary>
public sealed class EmitFlagsAcrossServersTests
{
    [Fact]
    public async Task Local_reaches_this_servers_sockets_only()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address);
        await using var onB = await NodePeer.ConnectAsync(b.Address);
        await onA.EmitWithAckAsync("join", "r1");
        await onB.EmitWithAckAsync("join", "r1");

        a.IO.Local.Emit("local-all", 1);
        a.IO.To("r1").Local.Emit("local-room", 2);
        a.IO.Of("/").Local.Volatile.Emit("local-volatile", 3);
        a.IO.Emit("marker");                                           // published after the others: B's proof
        await onA.WaitForEvent("marker");
        await onB.WaitForEvent("marker");

        Assert.Equal("[1]", Assert.Single(onA.Received("local-all")).GetRawText());
        Assert.Equal("[2]", Assert.Single(onA.Received("local-room")).GetRawText());
        Assert.Empty(onB.Received("local-all"));
        Assert.Empty(onB.Received("local-room"));
        Assert.Empty(onB.Received("local-volatile"));
    }

    [Fact]
    public async Task A_volatile_broadcast_crosses_to_the_other_server()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onB = await NodePeer.ConnectAsync(b.Address);

        // B's socket is idle: the flag travels with the broadcast and B sends it at once.
        a.IO.Volatile.Compress(false).Emit("tick", 7);
        await onB.WaitForEvent("tick");
        Assert.Equal("[7]", onB.Received("tick")[0].GetRawText());
    }

    [Fact]
    public async Task A_broadcast_with_acks_collects_the_answers_of_both_servers_clients_and_Local_only_this_ones()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address, answer: "A의 답");
        await using var onB = await NodePeer.ConnectAsync(b.Address, answer: "B의 답");
        await using var inRoomOnB = await NodePeer.ConnectAsync(b.Address, answer: "방의 답");
        await inRoomOnB.EmitWithAckAsync("join", "r1");

        var all = await a.IO.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync<string>("vote?", "투표");
        Assert.Equal(["A의 답", "B의 답", "방의 답"], all.Order());
        Assert.Equal("""["투표"]""", onB.Received("vote?")[0].GetRawText());
        Assert.Equal(["방의 답"], (await a.IO.To("r1").Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync<string>("vote?")).Order());

        var local = await a.IO.Local.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync<string>("vote?");
        Assert.Equal("A의 답", Assert.Single(local));
        Assert.Equal((2, 1, 2), (onA.Received("vote?").Count, onB.Received("vote?").Count, inRoomOnB.Received("vote?").Count));
    }

    [Fact]
    public async Task A_broadcast_with_acks_that_times_out_counts_the_silent_clients_of_the_other_server()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address, answer: "A의 답");
        await using var silentOnA = await NodePeer.ConnectAsync(a.Address);
        await using var silentOnB = await NodePeer.ConnectAsync(b.Address);

        // The timeout is what is tested: long enough for the answering client, and the silent ones never answer.
        var timedOut = await Assert.ThrowsAsync<SocketIOBroadcastTimeoutException>(() =>
            a.IO.Timeout(TimeSpan.FromSeconds(3)).EmitWithAckAsync<string>("vote?"));
        Assert.Equal("A의 답", timedOut.Responses.Single().Get<string>(0));
        Assert.Equal([silentOnA.SocketId], timedOut.Missing);
        Assert.Equal(1, timedOut.MissingElsewhere);                     // B counts its client; it has no id here
        Assert.Equal(0, timedOut.SilentServers);
        Assert.Contains("1 of 3 clients answered", timedOut.Message);
        await silentOnB.WaitForEvent("vote?");
    }

    [Fact]
    public async Task Broadcast_acks_cross_a_mixed_cluster_both_ways_with_the_official_Node_server()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var csharp = await CSharpNode.StartAsync(redis, "csharp");
        var nodePort = RedisServer.FreeLoopbackPort();
        await using var node = await NodePeer.StartServerAsync(redis, nodePort);
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(async () => await csharp.IO.ServerCountAsync() == 2), "two servers in the cluster");
        await using var onCSharp = await NodePeer.ConnectAsync(csharp.Address, answer: "C# 쪽");
        await using var onNode = await NodePeer.ConnectAsync(new Uri($"http://127.0.0.1:{nodePort}/"), answer: "Node 쪽");

        // This server asks: @socket.io/redis-adapter broadcasts to its client and reports the count and the answer.
        var answers = await csharp.IO.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync<string>("vote?");
        Assert.Equal(["C# 쪽", "Node 쪽"], answers.Order(StringComparer.Ordinal));

        // The Node server asks (io.timeout(ms).emitWithAck): this server answers its request in the same protocol.
        var fromNode = await onNode.EmitWithAckAsync("broadcast-with-ack", 30_000);
        Assert.False(fromNode.TryGetProperty("error", out _), fromNode.GetRawText());
        Assert.Equal(["C# 쪽", "Node 쪽"], fromNode.GetProperty("answers").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
    }
}
