using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Realtime.SocketIO.Redis;

// Closing (Node's adapter.close()): the Socket.IO server closes the adapter of a dynamic child namespace it removes
// (CleanupEmptyChildNamespaces), so the cluster's channels of names that come and go do not stay subscribed.
public sealed partial class RedisSocketIOAdapter : IAsyncDisposable
{
    private readonly Task _subscribing;
    private int _closed;

    private bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Stops listening to the cluster: unsubscribes this namespace's channels (after a subscription still in progress
    /// finished). The server calls it when it removes the namespace; broadcasts from here still reach local sockets.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return;
        // The subscribing loop sees IsClosed and stops (at the latest after its next try); _queues is then ours.
        await _subscribing.ConfigureAwait(false);
        foreach (var queue in _queues)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Redis is away: the subscription dies with the connection, and is not restored for a closed queue.
                _logger.LogDebug("Unsubscribing {Channel} failed: {Error}", queue.Channel, e.Message);
            }
        }
        _queues.Clear();
    }
}
