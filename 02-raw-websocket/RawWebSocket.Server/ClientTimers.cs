namespace RawWebSocket.Server;

/// <summary>
/// Counts the per-client timers that are running. The post warns that forgetting <c>clearInterval</c> leaks memory;
/// this number shows that closing a connection really stops its timer (it goes back to 0 when everyone has left).
/// </summary>
public sealed class ClientTimers
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    internal void Started() => Interlocked.Increment(ref _running);

    internal void Stopped() => Interlocked.Decrement(ref _running);
}
