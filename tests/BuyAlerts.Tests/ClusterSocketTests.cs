using System.Text.Json;
using Realtime.SocketIO.Redis;
using Realtime.Testing;
using StackExchange.Redis;

namespace BuyAlerts.Tests;

/// <summary>
/// Two shops sharing one redis-server, official Node clients connected straight to one instance or the other (no
/// nginx: these clients use WebSocket only, which needs no stickiness): the alert and the viewer counts cross
/// instances, and the message on Redis is the one README "More than one server" decodes.
/// </summary>
public sealed class ClusterSocketTests
{
    [Fact]
    public async Task A_BUY_on_a_reaches_b_as_one_MessagePack_message_on_the_channel_socket_io_slash()
    {
        await using var cluster = await ShopCluster.StartAsync();
        var minsu = await cluster.A.NewMemberAsync("민수");

        // Listen to Redis as `redis-cli PSUBSCRIBE 'socket.io*'` does.
        var messages = new Transcript();
        var bodies = new List<(string Channel, byte[] Body)>();
        await using var watcherOfRedis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.Configuration);
        await watcherOfRedis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("socket.io*"), (channel, body) =>
        {
            lock (bodies)
            {
                bodies.Add((channel.ToString(), (byte[])body!));
            }
            messages.Add(channel.ToString());
        });

        await using var onA = SocketClients.Start(cluster.A.BaseAddress);
        await using var onB = SocketClients.Start(cluster.B.BaseAddress);
        await onA.ConnectAsync("민수", minsu.CookieHeader(cluster.A.BaseAddress));
        await onB.ConnectAsync("guest");

        var orderId = await HostileClientTests.PlaceOrderAsync(minsu, 4); // on a; b sees the same database
        await onA.EmitAsync("민수", "BUY", new { nickname = "누군가", goodsId = 4, goodsName = "공짜 햄버거", orderId }, ack: true);
        await onB.WaitForEventAsync("guest", "BUY_GOODS");
        await messages.WaitFor(l => l == "socket.io#/#", what: "the broadcast on Redis");

        var alert = Assert.Single(onB.EventsOf("guest", "BUY_GOODS"));
        Assert.Equal("민수", alert.GetProperty("nickname").GetString());
        Assert.Equal("햄버거", alert.GetProperty("goodsName").GetString());

        // One message on socket.io#/# (everyone in namespace "/"), [uid, packet, options] in MessagePack.
        byte[] body;
        lock (bodies)
        {
            body = Assert.Single(bodies, m => m.Channel == "socket.io#/#").Body;
        }
        var broadcast = RedisPacketCodec.DecodeBroadcast(body);
        Assert.NotNull(broadcast);
        Assert.Equal("/", broadcast.Namespace);
        Assert.Equal("BUY_GOODS", broadcast.EventName);
        Assert.Empty(broadcast.Rooms);   // no room: io.Emit, everyone
        Assert.Empty(broadcast.Except);
        var payload = JsonSerializer.SerializeToElement(Assert.Single(broadcast.Args));
        Assert.Equal("민수", payload.GetProperty("nickname").GetString());
        Assert.Equal(4, payload.GetProperty("goodsId").GetInt32());
        Assert.Equal("햄버거", payload.GetProperty("goodsName").GetString());
        Assert.Equal(alert.GetProperty("date").GetString(), payload.GetProperty("date").GetString());
    }

    [Fact]
    public async Task Viewers_on_two_instances_are_counted_together()
    {
        await using var cluster = await ShopCluster.StartAsync();
        await using var onA = SocketClients.Start(cluster.A.BaseAddress);
        await using var onB = SocketClients.Start(cluster.B.BaseAddress);
        await onA.ConnectAsync("민수");
        await onB.ConnectAsync("지수");
        const string Americano = "/detail.html?goodsId=1";
        const string Latte = "/detail.html?goodsId=2";

        await onA.EmitAsync("민수", "CHANGED_PAGE", Americano);
        await onA.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 1);
        await onB.EmitAsync("지수", "CHANGED_PAGE", Americano);                 // on the other instance: counted too
        await onB.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", 1);
        await onA.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 2);
        await onB.EmitAsync("지수", "CHANGED_PAGE", Latte);                     // 지수 moves on
        await onA.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 3);
        await onB.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", 2);
        await onB.EmitAsync("지수", "CHANGED_PAGE", Americano);                 // and comes back
        await onA.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 4);
        await onB.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", 3);
        await onB.CloseAsync("지수");                                           // and leaves
        await onA.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 5);

        int[] Counts(SocketClients clients, string name) => [.. clients.EventsOf(name, "SAME_PAGE_VIEWER_COUNT").Select(c => c.GetInt32())];
        Assert.Equal([1, 2, 1, 2, 1], Counts(onA, "민수"));
        Assert.Equal([2, 1, 2], Counts(onB, "지수"));
        Assert.Empty(cluster.Problems); // every count was asked of both instances and answered
    }
}
