using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Realtime.SocketIO.Redis;

/// <summary>
/// The one Redis connection the adapters of every namespace share (StackExchange.Redis multiplexes commands and
/// subscriptions over it). Connects on first use, reconnects by itself, and logs an outage once when it starts and
/// once when it ends. Registered as a singleton by <c>AddRedisAdapter</c>.
/// </summary>
public sealed class RedisAdapterConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly ILogger _logger;
    private int _down; // 1 while an outage is being reported

    /// <summary>Creates the connection from the options (it is made on first use).</summary>
    public RedisAdapterConnection(IOptions<RedisAdapterOptions> options, ILoggerFactory? loggerFactory = null)
    {
        Options = options.Value;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Realtime.SocketIO.Redis") ?? NullLogger.Instance;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _connection = new(ConnectAsync);
    }

    /// <summary>The options.</summary>
    public RedisAdapterOptions Options { get; }

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>True while Redis is reachable.</summary>
    public bool IsConnected => _connection.IsValueCreated && _connection.Value is { IsCompletedSuccessfully: true } task && task.Result.IsConnected;

    /// <summary>The multiplexer, connected (or still trying, if Redis is down).</summary>
    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    private TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the next time Redis is reachable again after an outage.</summary>
    public Task WhenRestored() => Volatile.Read(ref _restored).Task;

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var configuration = Options.Configuration.Clone();
        configuration.AbortOnConnectFail = false;           // start without Redis; keep trying in the background
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // while Redis is away, drop cluster messages instead of
                                                              // queueing them to replay stale events when it returns
        var multiplexer = Options.ConnectionFactory is { } factory
            ? await factory(configuration).ConfigureAwait(false)
            : await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (Interlocked.Exchange(ref _down, 1) == 0) Log.Lost(_logger, Describe(e.EndPoint), e.FailureType.ToString());
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (!multiplexer.IsConnected || Interlocked.Exchange(ref _down, 0) == 0) return;
            Log.Restored(_logger, Describe(e.EndPoint));
            Interlocked.Exchange(ref _restored, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        };
        if (multiplexer.IsConnected) Log.Connected(_logger, string.Join(", ", multiplexer.GetEndPoints().Select(Describe)), Options.Key);
        else if (Interlocked.Exchange(ref _down, 1) == 0) Log.Lost(_logger, configuration.ToString(includePassword: false), "not reachable at start-up");
        return multiplexer;
    }

    private static string Describe(System.Net.EndPoint? endPoint) => endPoint switch
    {
        System.Net.IPEndPoint ip => ip.ToString(),
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "?",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>Closes the connection, unless it came from <see cref="RedisAdapterOptions.ConnectionFactory"/> (its owner closes it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Options.ConnectionFactory is null && _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
    }
}
