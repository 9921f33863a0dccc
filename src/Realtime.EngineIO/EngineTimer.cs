namespace Realtime.EngineIO;

/// <summary>
/// A one-shot (or periodic) timer from the server's <see cref="TimeProvider"/>, disposed with what owns it (a test
/// proves none leaks by counting the timers of the TimeProvider it gives the server).
/// The callback receives the timer itself: the owner compares it with its current field to ignore a stale firing.
/// </summary>
internal sealed class EngineTimer : IDisposable
{
    private readonly ITimer _timer;
    private readonly Action<EngineTimer> _callback;
    private int _disposed;

    public EngineTimer(EngineIOServer server, Action<EngineTimer> callback, TimeSpan dueTime, TimeSpan period)
    {
        _callback = callback;
        _timer = server.TimeProvider.CreateTimer(static state => ((EngineTimer)state!).Fire(), this, dueTime, period);
    }

    private void Fire()
    {
        if (Volatile.Read(ref _disposed) == 0) _callback(this);
    }

    /// <summary>Re-arms the timer (Node's <c>timeout.refresh()</c>).</summary>
    public void Restart(TimeSpan dueTime)
    {
        if (Volatile.Read(ref _disposed) == 0) _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _timer.Dispose();
    }
}
