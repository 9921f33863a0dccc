namespace BuyAlerts.Realtime;

/// <summary>
/// How often one socket may send an event: a token bucket of <paramref name="burst"/> tokens, one more every
/// <paramref name="refill"/>. A page sends <c>CHANGED_PAGE</c> once per load and <c>BUY</c> once per payment; a
/// script can send thousands a second, each one work for the server and (for <c>CHANGED_PAGE</c>) a count pushed
/// to everyone on two pages. What is over budget is dropped before it costs anything.
/// </summary>
public sealed class EventBudget(int burst, TimeSpan refill, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes a token if there is one.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now) / refill);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}
