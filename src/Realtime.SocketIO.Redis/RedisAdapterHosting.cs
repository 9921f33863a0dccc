using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.SocketIO;
using Realtime.SocketIO.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the Socket.IO server in a cluster of servers that share Redis.</summary>
public static class RedisAdapterServerBuilderExtensions
{
    /// <summary>
    /// Every namespace gets a <see cref="RedisSocketIOAdapter"/> on the Redis at <paramref name="configuration"/> (a
    /// StackExchange.Redis connection string, e.g. <c>localhost:6379</c>, usually from configuration:
    /// <c>builder.Configuration.GetConnectionString("Redis")</c>):
    /// <c>builder.Services.AddSocketIO().AddRedisAdapter("localhost:6379")</c>.
    /// </summary>
    public static ISocketIOServerBuilder AddRedisAdapter(this ISocketIOServerBuilder builder, string configuration, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisAdapter(options =>
        {
            options.Configuration = ConfigurationOptions.Parse(configuration);
            configure?.Invoke(options);
        });
    }

    /// <summary>Every namespace gets a <see cref="RedisSocketIOAdapter"/>, with options set by <paramref name="configure"/>.</summary>
    public static ISocketIOServerBuilder AddRedisAdapter(this ISocketIOServerBuilder builder, Action<RedisAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.TryAddSingleton<RedisAdapterConnection>();
        builder.Services.AddOptions<SocketIOServerOptions>()
            .Configure<RedisAdapterConnection, IServiceProvider>((options, connection, services) =>
                options.AdapterFactory = nsp => new RedisSocketIOAdapter(nsp, connection, services.GetService<TimeProvider>()));
        return builder;
    }
}
