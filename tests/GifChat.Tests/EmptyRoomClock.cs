namespace GifChat.Tests;

/// <summary>
/// A clock on which timers of one chosen length (the empty-room wait) fire only when the test calls
/// <see cref="Advance"/>; every other timer, and the time itself, are the real ones, so the Socket.IO server's
/// own timers (heartbeat, upgrade checks) keep running normally. (Microsoft.Extensions.TimeProvider.Testing is not
/// in this registry.)
/// </summary>
public sealed class EmptyRoomClock(TimeSpan manualDueTime) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<TaskCompletionSource> _waiters = [];

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != manualDueTime || period != Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }
        var timer = new ManualTimer(this, callback, state);
        List<TaskCompletionSource> started;
        lock (_gate)
        {
            _timers.Add(timer);
            started = [.. _waiters];
            _waiters.Clear();
        }
        started.ForEach(s => s.TrySetResult());
        return timer;
    }

    /// <summary>Returns a task that completes when the next manual timer starts (call it before causing that).</summary>
    public Task WaitForTimer()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) { _waiters.Add(signal); }
        return signal.Task;
    }

    /// <summary>"The time has passed": fires every manual timer started so far (each fires once).</summary>
    public void Advance()
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            due = [.. _timers];
            _timers.Clear();
        }
        due.ForEach(t => t.Fire());
    }

    private void Cancel(ManualTimer timer)
    {
        lock (_gate) { _timers.Remove(timer); }
    }

    private sealed class ManualTimer(EmptyRoomClock clock, TimerCallback callback, object? state) : ITimer
    {
        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) =>
            throw new NotSupportedException("The app's empty-room wait does not change its timer.");

        public void Dispose() => clock.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
