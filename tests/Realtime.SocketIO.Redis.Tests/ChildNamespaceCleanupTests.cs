using System.Text.RegularExpressions;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// <c>CleanupEmptyChildNamespaces</c> with the Redis adapter: a removed child namespace closes its adapter, which
/// unsubscribes the namespace's channels (Node's <c>adapter.close()</c>), so names that come and go leave nothing
/// subscribed in Redis.
/// </summary>
public sealed class ChildNamespaceCleanupTests
{
    [Fact]
    public async Task A_removed_child_namespace_unsubscribes_its_Redis_channels()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var server = await CSharpNode.StartAsync(redis, "A", configure: io =>
        {
            io.Options.CleanupEmptyChildNamespaces = true;
            io.Of(new Regex(@"^/room-\d+$")).On("connection", socket => socket.On("where", () => socket.Nsp.Name));
        });
        async Task<bool> Subscribers(int count) =>
            (await redis.CommandAsync("PUBSUB", "NUMSUB", "socket.io-request#/room-7#")).EndsWith($":{count}\r\n", StringComparison.Ordinal);

        await using (var client = await NodePeer.ConnectAsync(new Uri(server.Address, "/room-7")))
        {
            Assert.Equal("/room-7", (await client.EmitWithAckAsync("where")).GetString());
            var child = Assert.Single(server.IO.Namespaces, n => n.Name == "/room-7");
            await Wait.For(((RedisSocketIOAdapter)child.Adapter).Subscribed, "the child's adapter to subscribe");
            Assert.True(await Subscribers(1));
        }

        // The client left: the child is gone, and so is its subscription.
        await Wait.For(TwoCSharpServersTests.WaitUntilAsync(() => Subscribers(0)), "the child's request channel to be unsubscribed");
        Assert.DoesNotContain(server.IO.Namespaces, n => n.Name == "/room-7");
    }
}
