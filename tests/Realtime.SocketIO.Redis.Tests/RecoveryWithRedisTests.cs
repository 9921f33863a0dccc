using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// Connection state recovery is not supported with the Redis adapter (as with Node's @socket.io/redis-adapter): the
/// server says so at start-up, and events carry no offset, so a client has nothing to resume from.
/// </summary>
public sealed class RecoveryWithRedisTests
{
    [Fact]
    public async Task With_recovery_on_the_Redis_adapter_warns_at_start_up_and_room_events_carry_no_offset()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        builder.Services.AddSocketIO(o => o.ConnectionStateRecovery = new()).AddRedisAdapter(redis.Configuration);
        var app = builder.Build();
        await using var stop = app;
        var io = app.MapSocketIO().Server;
        io.OnConnection(socket => socket.On("join", (SocketIOArgs args) =>
        {
            socket.Join(args.Get<string>(0)!);
            args.Ack?.Invoke(true);
        }));
        var address = await LocalKestrel.StartAsync(app);
        await Wait.For(((RedisSocketIOAdapter)io.Sockets.Adapter).Subscribed, "the adapter to subscribe");

        Assert.Contains(log.Lines, l => l.Contains("RedisSocketIOAdapter", StringComparison.Ordinal)
                                        && l.Contains("cannot restore sessions", StringComparison.Ordinal));

        await using var client = await NodePeer.ConnectAsync(address);
        await client.EmitWithAckAsync("join", "orders");
        io.To("orders").Emit("BUY_GOODS", new { goods = "라떼" });
        await client.WaitForEvent("BUY_GOODS");
        // The arguments as sent: no offset appended (with the in-memory adapter they would end with one).
        Assert.Equal("""[{"goods":"라떼"}]""", client.Received("BUY_GOODS")[0].GetRawText());
        Assert.IsNotType<SessionAwareSocketIOAdapter>(io.Sockets.Adapter);
        await app.StopAsync();
    }
}
