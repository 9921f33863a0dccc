using StackExchange.Redis;

namespace Realtime.SocketIO.Redis;

/// <summary>
/// Options of the Redis adapter, with <c>@socket.io/redis-adapter</c>'s defaults so that C# and Node servers with
/// default options share one cluster.
/// </summary>
public sealed class RedisAdapterOptions
{
    /// <summary>
    /// How to reach Redis (StackExchange.Redis options; <c>AddRedisAdapter("host:port")</c> parses a connection string
    /// into it). The adapter sets <see cref="ConfigurationOptions.AbortOnConnectFail"/> to false, so a server starts
    /// while Redis is down and joins the cluster when it comes.
    /// </summary>
    public ConfigurationOptions Configuration { get; set; } = new();

    /// <summary>
    /// Makes the connection yourself instead (e.g. to share one multiplexer with the rest of the app); it is given the
    /// adapter's configuration and stays yours to close.
    /// </summary>
    public Func<ConfigurationOptions, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>The prefix of every channel (Node: <c>key</c>, default <c>socket.io</c>).</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>How long a cluster-wide request (fetch sockets, server-side emit with ack) waits for the others. Node: 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Answer requests on the requester's own channel (<c>{key}-response#{nsp}#{uid}#</c>) instead of the shared one,
    /// so servers are not woken by answers meant for others. Node: <c>publishOnSpecificResponseChannel</c>, false;
    /// every server of a cluster must agree.
    /// </summary>
    public bool PublishOnSpecificResponseChannel { get; set; }
}
