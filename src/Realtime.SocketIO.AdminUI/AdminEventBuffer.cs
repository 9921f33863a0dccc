namespace Realtime.SocketIO.AdminUI;

/// <summary>
/// Counts what happened per second, type and sub-type (e.g. <c>rawDisconnection</c> / <c>ping timeout</c>) until the
/// next <c>server_stats</c> takes them (Node's EventBuffer). Bounded: at most one entry per second, type and reason
/// between two takes.
/// </summary>
internal sealed class AdminEventBuffer(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<(long Second, string Type, string? SubType), long> _counts = [];

    public void Add(string type, string? subType = null, long count = 1)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate) _counts[(second, type, subType)] = _counts.GetValueOrDefault((second, type, subType)) + count;
    }

    /// <summary>The counts so far, in the shape the dashboard reads; the buffer is emptied.</summary>
    public object[] TakeAll()
    {
        lock (_gate)
        {
            var all = _counts.Select(c => (object)new { timestamp = c.Key.Second * 1000, type = c.Key.Type, subType = c.Key.SubType, count = c.Value }).ToArray();
            _counts.Clear();
            return all;
        }
    }
}
