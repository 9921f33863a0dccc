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
    public async Task A_broadcast_with_acks_waits_for_this_servers_clients_with_Local_and_refuses_plainly_across_servers()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        await using var onA = await NodePeer.ConnectAsync(a.Address, answer: "A의 답");
        await using var onB = await NodePeer.ConnectAsync(b.Address, answer: "B의 답");

        var answers = await a.IO.Local.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync<string>("vote?");
        Assert.Equal("A의 답", Assert.Single(answers));

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => a.IO.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("vote?"));
        Assert.Contains("not supported yet by the Redis adapter", refused.Message);
        a.IO.Emit("marker");
        await onB.WaitForEvent("marker");
        Assert.Empty(onB.Received("vote?"));                            // nothing was sent before refusing
    }
}
