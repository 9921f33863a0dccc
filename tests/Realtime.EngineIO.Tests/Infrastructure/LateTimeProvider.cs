namespace Realtime.EngineIO.Tests;

/// <summary>
/// A manual clock whose timers fire late, as a real one's can (the first timers on a freshly started server fire a
/// few ms late): <see cref="Advance"/> moves the clock first and only then fires what fell due, each seeing the later
/// time; <see cref="AdvanceWithoutFiring"/> leaves due timers unfired, as if their thread had not run yet.
/// </summary>
/// <remarks>
/// Why not FakeTimeProvider (Microsoft.Extensions.TimeProvider.Testing, used by the other clock tests)? Its
/// <c>Advance</c> fires late in the same way, but it has no way to move the time without firing what falls due: its
/// <c>Advance</c>, <c>SetUtcNow</c> and even <c>GetUtcNow</c> fire every due timer at once. The test of a late ping
/// timeout needs exactly that moment, a request at the deadline while the timeout timer has not run yet.
/// </remarks>
public sealed class LateTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<LateTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan) throw new NotSupportedException("one-shot timers only");
        var timer = new LateTimer(this, callback, state);
        lock (_gate) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock by <paramref name="by"/>, then fires every timer now due (late, at the new time).</summary>
    public void Advance(TimeSpan by)
    {
        AdvanceWithoutFiring(by);
        while (true)
        {
            LateTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueAt is { } due && due <= _now).MinBy(t => t.DueAt);
                if (next is null) return;
                next.DueAt = null;
            }
            next.Fire();
        }
    }

    /// <summary>Moves the clock; timers that fall due stay unfired until the next <see cref="Advance"/>.</summary>
    public void AdvanceWithoutFiring(TimeSpan by)
    {
        lock (_gate) _now += by;
    }

    private sealed class LateTimer(LateTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate) DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
            return true;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
