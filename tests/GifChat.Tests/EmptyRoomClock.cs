using Microsoft.Extensions.Time.Testing;

namespace GifChat.Tests;

/// <summary>
/// The app's clock in the empty-room test: real time, except for timers of one chosen length (the empty-room wait),
/// which run on a <see cref="FakeTimeProvider"/> and so end only when the test calls <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// Why not a <see cref="FakeTimeProvider"/> alone? The app's <see cref="TimeProvider"/> is also its Socket.IO
/// server's. On a clock that moves only when told, the server's own timers (heartbeat, polling and upgrade checks)
/// would stop too, while the Node clients at the other end keep real time. So this clock mixes the two: the real
/// one for the time and for every other timer, the fake one for the wait under test.
/// </remarks>
public sealed class EmptyRoomClock(TimeSpan manualDueTime) : TimeProvider
{
    private readonly FakeTimeProvider _manual = new();
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource> _waiters = [];

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != manualDueTime || period != Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }
        var timer = _manual.CreateTimer(callback, state, dueTime, period);
        List<TaskCompletionSource> started;
        lock (_gate)
        {
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

    /// <summary>"The time has passed": the fake clock moves on by the chosen length, so every manual timer started so far fires.</summary>
    public void Advance() => _manual.Advance(manualDueTime);
}
