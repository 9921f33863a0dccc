namespace Realtime.EngineIO.Tests;

/// <summary>
/// A <see cref="TimeProvider"/> that counts the timers created through it and not yet disposed, around another
/// clock (the system's, a FakeTimeProvider, a LateTimeProvider). Given to the server through DI, it shows from the
/// outside that sessions leave no timer behind: compare <see cref="ActiveTimers"/> with its value before they opened.
/// </summary>
public sealed class CountingTimeProvider(TimeProvider inner) : TimeProvider
{
    private int _active;
    private int _created;

    /// <summary>Timers created and not yet disposed.</summary>
    public int ActiveTimers => Volatile.Read(ref _active);

    /// <summary>Timers created so far (shows the server does use this clock).</summary>
    public int CreatedTimers => Volatile.Read(ref _created);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
    public override long GetTimestamp() => inner.GetTimestamp();
    public override long TimestampFrequency => inner.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _created);
        Interlocked.Increment(ref _active);
        return new CountedTimer(this, inner.CreateTimer(callback, state, dueTime, period));
    }

    private sealed class CountedTimer(CountingTimeProvider owner, ITimer timer) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(dueTime, period);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._active);
            timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._active);
            return timer.DisposeAsync();
        }
    }
}
