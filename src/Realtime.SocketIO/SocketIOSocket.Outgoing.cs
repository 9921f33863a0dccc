using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

// The emit side of a socket beyond Emit: outgoing listeners, volatile emits, the compress flag, and the
// acknowledgements a broadcast expects from this socket (Node's socket.ts: onAnyOutgoing, volatile, compress).
public sealed partial class SocketIOSocket
{
    // Replaced whole under _gate, read without it: a listener added while an emit runs is seen by the next one.
    private Action<string, IReadOnlyList<object?>>[] _anyOutgoing = [];

    // ---- outgoing listeners (Node: onAnyOutgoing, prependAnyOutgoing, offAnyOutgoing, listenersAnyOutgoing) ----

    /// <summary>
    /// Runs <paramref name="listener"/> for every event sent to this client: its own emits and the broadcasts that reach
    /// it (Node's <c>onAnyOutgoing</c>). It gets the event name and the arguments as the application passed them, before
    /// they are encoded. An exception it throws is logged and the event is still sent.
    /// </summary>
    public SocketIOSocket OnAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate) _anyOutgoing = [.. _anyOutgoing, listener];
        return this;
    }

    /// <summary>As <see cref="OnAnyOutgoing"/>, but runs <paramref name="listener"/> before the ones already added.</summary>
    public SocketIOSocket PrependAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate) _anyOutgoing = [listener, .. _anyOutgoing];
        return this;
    }

    /// <summary>Removes <paramref name="listener"/> (its first registration, as Node does); no effect if it is not there.</summary>
    public SocketIOSocket OffAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            var index = Array.IndexOf(_anyOutgoing, listener);
            if (index >= 0) _anyOutgoing = [.. _anyOutgoing[..index], .. _anyOutgoing[(index + 1)..]];
        }
        return this;
    }

    /// <summary>Removes every outgoing listener.</summary>
    public SocketIOSocket OffAnyOutgoing()
    {
        lock (_gate) _anyOutgoing = [];
        return this;
    }

    /// <summary>The outgoing listeners, in the order they run (a snapshot).</summary>
    public IReadOnlyList<Action<string, IReadOnlyList<object?>>> ListenersAnyOutgoing() => [.. _anyOutgoing];

    /// <summary>Tells the outgoing listeners about an event about to be sent (Node's <c>notifyOutgoingListeners</c>).</summary>
    internal void NotifyOutgoing(string eventName, IReadOnlyList<object?> args)
    {
        var listeners = _anyOutgoing;
        if (listeners.Length == 0) return; // the common case costs one read
        foreach (var listener in listeners)
        {
            try
            {
                listener(eventName, args);
            }
            catch (Exception e)
            {
                LogHandlerFailed(e, $"onAnyOutgoing({eventName})"); // "The onAnyOutgoing(news) handler … threw"
            }
        }
    }

    // ---- volatile and compress ----

    /// <summary>
    /// Emits that are dropped when the client's transport cannot take them this instant (Node's <c>socket.volatile</c>):
    /// <c>socket.Volatile.Emit("position", x, y)</c>. Polling: no GET is waiting; WebSocket: an earlier frame is still
    /// being written. For data that is worthless once late; nothing is queued for a slow client.
    /// </summary>
    public SocketIOVolatileEmitter Volatile => new(this);

    /// <summary>
    /// Accepted for Node compatibility (<c>socket.compress(false)</c>) and ignored: this server never compresses
    /// (no WebSocket permessage-deflate, no HTTP compression of polling responses).
    /// </summary>
    public SocketIOSocket Compress(bool compress) => this;

    internal void EmitVolatile(string eventName, object?[] args)
    {
        CheckEventName(eventName);
        if (!_connected) return;
        NotifyOutgoing(eventName, args);
        var encoded = SocketIOPacketEncoder.EncodeEvent(Nsp.Name, eventName, args, null, Server.Options.JsonSerializerOptions);
        Connection.WriteVolatile(SocketIOConnection.ToMessages(encoded));
    }

    /// <summary>Sends one broadcast's shared messages to this client, honouring the volatile flag.</summary>
    internal void WriteBroadcast(SocketIOBroadcastPacket packet, IReadOnlyList<EngineMessage> messages, SocketIOBroadcastFlags flags)
    {
        NotifyOutgoing(packet.EventName, packet.Args);
        if (flags.Volatile) Connection.WriteVolatile(messages);
        else Connection.Write(messages);
    }

    // ---- acknowledgements of a broadcast ----

    /// <summary>
    /// Waits for this client's answer to the broadcast packet <paramref name="id"/> and hands it to <paramref name="ack"/>
    /// with this socket's id. False when the socket is disconnected (the packet is then not sent to it).
    /// </summary>
    internal bool ExpectBroadcastAck(long id, Action<string?, SocketIOArgs> ack)
    {
        if (!_connected) return false;
        // Synchronous continuation: the answer is counted before the next packet of this client is handled.
        var pending = new TaskCompletionSource<SocketIOArgs>();
        Acks[id] = pending;
        if (!_connected && Acks.TryRemove(id, out _)) return false; // closed meanwhile: OnClose missed it
        // A disconnection fails the task: no answer, which the broadcast reports when its timeout passes (as Node).
        pending.Task.ContinueWith(static (task, state) =>
        {
            var (socketId, ack) = ((string, Action<string?, SocketIOArgs>))state!;
            if (task.IsCompletedSuccessfully) ack(socketId, task.Result);
            else _ = task.Exception; // a disconnection: observed, so it is not reported as an unobserved task exception
        }, (Id, ack), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <summary>Stops waiting for the answer to <paramref name="id"/> (the broadcast timed out).</summary>
    internal void ForgetAck(long id) => _acks?.TryRemove(id, out _);
}

/// <summary>Volatile emits to one socket (<c>socket.Volatile.Emit(...)</c>); see <see cref="SocketIOSocket.Volatile"/>.</summary>
public readonly struct SocketIOVolatileEmitter
{
    private readonly SocketIOSocket _socket;

    internal SocketIOVolatileEmitter(SocketIOSocket socket) => _socket = socket;

    /// <summary>Accepted and ignored, as <see cref="SocketIOSocket.Compress(bool)"/>.</summary>
    public SocketIOVolatileEmitter Compress(bool compress) => this;

    /// <summary>Sends the event if the transport can take it now, else drops it.</summary>
    public void Emit(string eventName, params object?[]? args) => _socket.EmitVolatile(eventName, args ?? [null]);

    /// <summary>Sends one argument (kept whole even when it is an array) if the transport can take it now.</summary>
    public void Emit<T>(string eventName, T arg) => _socket.EmitVolatile(eventName, [arg]);

    /// <summary>Sends two arguments if the transport can take them now.</summary>
    public void Emit<T1, T2>(string eventName, T1 arg1, T2 arg2) => _socket.EmitVolatile(eventName, [arg1, arg2]);
}
