using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO;

/// <summary>
/// The in-memory adapter that also makes connection state recovery work (Node's socket.io-adapter
/// <c>SessionAwareAdapter</c>); the default adapter when <see cref="SocketIOServerOptions.ConnectionStateRecovery"/> is on.
/// Every event it broadcasts without an acknowledgement gets an offset as its last argument (the client remembers the
/// last one it saw) and is kept; a socket that loses its transport leaves a session (id, rooms, data); a client that
/// comes back with the session's id and its last offset gets the socket back and the kept events it missed.
/// Memory is bounded in time: sessions and kept events are dropped after
/// <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/> (a purge runs every minute, or every
/// duration when shorter, on the server's <see cref="TimeProvider"/>).
/// </summary>
public class SessionAwareSocketIOAdapter : InMemorySocketIOAdapter
{
    // One lock orders the kept events: an offset is given, the event kept and sent to its sockets under it, so every
    // client sees the offsets in increasing order and a socket being restored is either sent an event now or later,
    // never both and never neither.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);   // by private id (pid)
    private readonly Queue<KeptPacket> _packets = new();                                    // oldest first
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxDisconnectionDuration;
    private readonly ITimer _purgeTimer;
    private long _lastOffset;

    /// <summary>Creates the adapter of <paramref name="nsp"/>; the server's options must have <see cref="SocketIOServerOptions.ConnectionStateRecovery"/>.</summary>
    public SessionAwareSocketIOAdapter(SocketIONamespace nsp) : base(nsp)
    {
        var recovery = nsp.Server.Options.ConnectionStateRecovery
            ?? throw new InvalidOperationException("SessionAwareSocketIOAdapter needs SocketIOServerOptions.ConnectionStateRecovery.");
        _time = nsp.Server.TimeProvider;
        _maxDisconnectionDuration = recovery.MaxDisconnectionDuration;
        var period = _maxDisconnectionDuration < TimeSpan.FromMinutes(1) ? _maxDisconnectionDuration : TimeSpan.FromMinutes(1);
        // The timer holds the adapter weakly: a server (or a removed namespace) that is dropped is not kept alive by its
        // purge (Node: timer.unref()), and the timer stops itself once the adapter is gone.
        var purge = new PurgeTimer(new WeakReference<SessionAwareSocketIOAdapter>(this));
        _purgeTimer = purge.Timer = _time.CreateTimer(static state => ((PurgeTimer)state!).Tick(), purge, period, period);
    }

    private sealed class PurgeTimer(WeakReference<SessionAwareSocketIOAdapter> adapter)
    {
        public ITimer? Timer { get; set; }

        public void Tick()
        {
            if (adapter.TryGetTarget(out var target)) target.Purge();
            else Timer?.Dispose();
        }
    }

    /// <summary>How many disconnected sessions are kept now (diagnostics).</summary>
    public int SessionCount
    {
        get { lock (_gate) return _sessions.Count; }
    }

    /// <summary>How many broadcast events are kept now (diagnostics).</summary>
    public int KeptPacketCount
    {
        get { lock (_gate) return _packets.Count; }
    }

    /// <summary>Gives the event an offset, keeps it, then sends it (an event with an offset is what a client can resume from).</summary>
    public override void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        // Node keeps every EVENT without an acknowledgement that is not volatile: a volatile one may be lost anyway, and
        // one that waits for acks (BroadcastWithAck, which does not come here) is answered, not resumed.
        if (options.Flags.Volatile || packet.AckId is not null)
        {
            base.Broadcast(packet, options);
            return;
        }
        lock (_gate)
        {
            var offset = (++_lastOffset).ToString(CultureInfo.InvariantCulture);
            var withOffset = new SocketIOBroadcastPacket(Namespace, packet.EventName, [.. packet.Args, offset]);
            _packets.Enqueue(new KeptPacket(_lastOffset, options, withOffset, _time.GetUtcNow()));
            base.Broadcast(withOffset, options);
        }
    }

    /// <summary>Keeps what a socket that lost its transport needs to come back (Node's <c>persistSession</c>).</summary>
    internal void PersistSession(SocketIOSocket socket, string pid, IReadOnlySet<string> rooms, ConcurrentDictionary<string, object?>? data)
    {
        lock (_gate) _sessions[pid] = new Session(socket.Id, pid, [.. rooms], data, _time.GetUtcNow());
    }

    /// <summary>
    /// The session of <paramref name="pid"/> if it has not expired and <paramref name="offset"/> is still kept (else the
    /// client may have missed events that are gone); null otherwise (Node's <c>restoreSession</c>).
    /// </summary>
    internal Session? FindSession(string pid, string offset)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(pid, out var session)) return null;
            if (session.DisconnectedAt + _maxDisconnectionDuration < _time.GetUtcNow())
            {
                _sessions.Remove(pid);
                return null;
            }
            if (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var seen) || !IsKept(seen)) return null;
            return session with { Offset = seen };
        }
    }

    private bool IsKept(long offset) => _packets.Count > 0 && offset >= _packets.Peek().Offset && offset <= _lastOffset;

    /// <summary>
    /// Puts the restored socket back in its rooms and sends it the kept events after its offset that its rooms would
    /// have received, in order; atomically with respect to broadcasts.
    /// </summary>
    internal void Resume(SocketIOSocket socket, Session session)
    {
        lock (_gate)
        {
            _sessions.Remove(session.Pid);
            AddAll(socket.Id, [socket.Id, .. session.Rooms]);
            foreach (var kept in _packets)
            {
                if (kept.Offset > session.Offset && Reaches(kept.Options, session.Rooms)) socket.Connection.Write(kept.Packet.Messages);
            }
        }
    }

    // Node's shouldIncludePacket: to all or to one of the session's rooms, and none of its rooms excluded.
    private static bool Reaches(SocketIOBroadcastOptions options, string[] rooms)
    {
        var included = options.Rooms.Count == 0;
        foreach (var room in rooms)
        {
            if (options.Except.Contains(room)) return false;
            if (!included && options.Rooms.Contains(room)) included = true;
        }
        return included;
    }

    /// <summary>Drops the sessions and kept events older than the duration (run by the periodic purge).</summary>
    internal void Purge()
    {
        var threshold = _time.GetUtcNow() - _maxDisconnectionDuration;
        lock (_gate)
        {
            foreach (var (pid, session) in _sessions)
            {
                if (session.DisconnectedAt < threshold) _sessions.Remove(pid);
            }
            while (_packets.Count > 0 && _packets.Peek().EmittedAt < threshold) _packets.Dequeue();
            _packets.TrimExcess();
        }
    }

    /// <summary>A socket that lost its transport, as kept until it comes back (<see cref="Offset"/>: the last event it saw).</summary>
    internal sealed record Session(string Sid, string Pid, string[] Rooms, ConcurrentDictionary<string, object?>? Data, DateTimeOffset DisconnectedAt)
    {
        public long Offset { get; init; }
    }

    private readonly record struct KeptPacket(long Offset, SocketIOBroadcastOptions Options, SocketIOBroadcastPacket Packet, DateTimeOffset EmittedAt);

    /// <summary>Logs once per namespace when recovery is on but the adapter cannot restore sessions (e.g. Redis).</summary>
    internal static void WarnIfUnsupported(SocketIONamespace nsp)
    {
        if (nsp.Server.Options.ConnectionStateRecovery is null || nsp.Adapter is SessionAwareSocketIOAdapter || nsp.Parent is not null) return;
        Log.RecoveryUnsupported(nsp.Server.Logger, nsp.Name, nsp.Adapter.GetType().Name);
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 160, EventName = "RecoveryUnsupported", Level = LogLevel.Warning,
        Message = "ConnectionStateRecovery is on but the adapter of namespace {Namespace} ({Adapter}) cannot restore sessions: a client that reconnects gets a new socket (Recovered is false)")]
    public static partial void RecoveryUnsupported(ILogger logger, string @namespace, string adapter);
}
