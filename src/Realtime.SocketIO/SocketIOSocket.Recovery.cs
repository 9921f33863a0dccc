using System.Text.Json;

namespace Realtime.SocketIO;

// Connection state recovery (Node's socket.js: the previousSession constructor branch, _onclose's persistSession and
// emit's detour through the adapter). See SessionAwareSocketIOAdapter for where sessions and missed events are kept.
public sealed partial class SocketIOSocket
{
    // The reasons after which a client may come back (Node's RECOVERABLE_DISCONNECT_REASONS): the transport was lost,
    // not a goodbye. "client namespace disconnect" (socket.disconnect()) and "server namespace disconnect" are not.
    private static readonly HashSet<string> RecoverableReasons = new(StringComparer.Ordinal)
    {
        SocketIODisconnectReason.TransportError, SocketIODisconnectReason.TransportClose, SocketIODisconnectReason.ForcedClose,
        SocketIODisconnectReason.PingTimeout, SocketIODisconnectReason.ServerShuttingDown, SocketIODisconnectReason.ForcedServerClose,
    };

    private SessionAwareSocketIOAdapter.Session? _restoring;

    /// <summary>
    /// True when this socket is one that lost its transport and came back within
    /// <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>: same <see cref="Id"/>, same rooms,
    /// same <see cref="Data"/>, and the events it missed were sent to it (Node's <c>socket.recovered</c>).
    /// </summary>
    public bool Recovered { get; }

    /// <summary>The private session id the client sends back to recover (never shown to other clients); null when recovery is off.</summary>
    internal string? Pid { get; }

    /// <summary>The session that <paramref name="auth"/> asks to recover (<c>{ pid, offset }</c>), if the adapter still has it.</summary>
    internal static SessionAwareSocketIOAdapter.Session? FindSession(SocketIONamespace nsp, JsonElement auth)
    {
        if (nsp.Adapter is not SessionAwareSocketIOAdapter sessions || auth.ValueKind != JsonValueKind.Object) return null;
        if (!auth.TryGetProperty("pid", out var pid) || pid.ValueKind != JsonValueKind.String) return null;
        if (!auth.TryGetProperty("offset", out var offset) || offset.ValueKind != JsonValueKind.String) return null;
        return sessions.FindSession(pid.GetString()!, offset.GetString()!);
    }

    /// <summary>On connect: a recovered socket rejoins its rooms and is sent what it missed; false for a new socket.</summary>
    private bool ResumeSession()
    {
        if (Interlocked.Exchange(ref _restoring, null) is not { } session) return false;
        ((SessionAwareSocketIOAdapter)Nsp.Adapter).Resume(this, session);
        return true;
    }

    /// <summary>On close: keeps the session when the transport was lost (not when either side said goodbye).</summary>
    private void PersistSessionIfRecoverable(string reason)
    {
        if (Pid is null || Nsp.Adapter is not SessionAwareSocketIOAdapter sessions || !RecoverableReasons.Contains(reason)) return;
        sessions.PersistSession(this, Pid, Rooms, _data);
    }

    /// <summary>
    /// With recovery on, an emit to this socket goes through the adapter to the socket's own room (as in Node), so it
    /// gets an offset and is kept: the client can then resume after it. False when recovery does not apply.
    /// </summary>
    private bool TryEmitThroughAdapter(string eventName, object?[] args)
    {
        if (Pid is null || Nsp.Adapter is not SessionAwareSocketIOAdapter sessions) return false;
        sessions.Broadcast(new SocketIOBroadcastPacket(Nsp, eventName, args),
            new SocketIOBroadcastOptions(new HashSet<string>(StringComparer.Ordinal) { Id }, SocketIOBroadcastOptions.All.Except, SocketIOBroadcastFlags.None));
        return true;
    }
}
