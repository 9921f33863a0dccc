namespace Realtime.SocketIO.AdminUI;

/// <summary>
/// Counts what happened per second, type and sub-type (e.g. <c>rawDisconnection</c> / <c>ping timeout</c>) until the
/// next <c>server_stats</c> takes them (Node's EventBuffer). Bounded: at most one entry per second, type and reason
/// between two takes. The traffic counters (packets and bytes each way, once per message sent to every receiver of a
/// broadcast) are the hot path: they are plain atomic additions to the current second's totals, moved into the map
/// when the second changes.
/// </summary>
internal sealed class AdminEventBuffer(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<(long Second, string Type, string? SubType), long> _counts = [];
    private long _second;
    private long _packetsIn, _bytesIn, _packetsOut, _bytesOut;

    public void Add(string type, string? subType = null, long count = 1)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate) _counts[(second, type, subType)] = _counts.GetValueOrDefault((second, type, subType)) + count;
    }

    /// <summary>One message in (<paramref name="outgoing"/> false) or out, of <paramref name="bytes"/> bytes.</summary>
    public void AddTraffic(bool outgoing, long bytes)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (second != Volatile.Read(ref _second)) MoveTraffic(second);
        if (outgoing)
        {
            Interlocked.Increment(ref _packetsOut);
            Interlocked.Add(ref _bytesOut, bytes);
        }
        else
        {
            Interlocked.Increment(ref _packetsIn);
            Interlocked.Add(ref _bytesIn, bytes);
        }
    }

    /// <summary>The counts so far, in the shape the dashboard reads; the buffer is emptied.</summary>
    public object[] TakeAll()
    {
        MoveTraffic(time.GetUtcNow().ToUnixTimeSeconds());
        lock (_gate)
        {
            var all = _counts.Select(c => (object)new { timestamp = c.Key.Second * 1000, type = c.Key.Type, subType = c.Key.SubType, count = c.Value }).ToArray();
            _counts.Clear();
            return all;
        }
    }

    // The totals so far belong to the second they were counted in; from now on count for `second`. (An addition racing
    // with the move may be counted in the next second: the totals stay exact.)
    private void MoveTraffic(long second)
    {
        lock (_gate)
        {
            var counted = _second;
            _second = second;
            Move(counted, "packetsIn", ref _packetsIn);
            Move(counted, "bytesIn", ref _bytesIn);
            Move(counted, "packetsOut", ref _packetsOut);
            Move(counted, "bytesOut", ref _bytesOut);
        }
    }

    private void Move(long second, string type, ref long total)
    {
        var count = Interlocked.Exchange(ref total, 0);
        if (count > 0) _counts[(second, type, null)] = _counts.GetValueOrDefault((second, type, null)) + count;
    }
}
