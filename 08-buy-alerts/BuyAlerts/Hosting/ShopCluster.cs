namespace BuyAlerts.Hosting;

/// <summary>More than one shop process: what they must share, switched on by one setting (README "More than one server").</summary>
public static class ShopCluster
{
    /// <summary>The setting that turns clustering on: <c>--Redis=127.0.0.1:6379</c>, or <c>Redis=127.0.0.1:6379</c> in the environment.</summary>
    public const string RedisKey = "Redis";

    /// <summary>
    /// Node's <c>io.adapter(createAdapter(pubClient, subClient))</c> (not in the post, which runs one process), when <c>Redis</c> is configured: every
    /// <c>io.Emit</c> (and every room broadcast, and every <c>FetchSocketsAsync</c>) goes through Redis to the other
    /// servers, which hand it to their own sockets. Without it, nothing changes: one process, rooms in memory.
    /// </summary>
    public static ISocketIOServerBuilder AddRedisIfConfigured(this ISocketIOServerBuilder io, IConfiguration configuration)
    {
        if (configuration[RedisKey] is { Length: > 0 } redis)
        {
            io.AddRedisAdapter(redis);
        }
        return io;
    }
}
