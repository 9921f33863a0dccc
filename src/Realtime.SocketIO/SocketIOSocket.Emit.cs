using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

// Emitting to this client, and the emits that wait for its acknowledgement (Node's socket.ts: emit, emitWithAck,
// timeout, onack). Outgoing listeners, volatile emits and broadcast acks are in SocketIOSocket.Outgoing.cs.
public sealed partial class SocketIOSocket
{
    /// <summary>Event names an application may not emit (socket.io's RESERVED_EVENTS).</summary>
    public static readonly IReadOnlySet<string> ReservedEvents =
        new HashSet<string>(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"], StringComparer.Ordinal);

    // Created on first use: most sockets never emit with an ack or store data, and a ConcurrentDictionary costs
    // ~0.6 KiB even when empty (measured with 1 000 connected sockets; see bench/README.md).
    private ConcurrentDictionary<long, TaskCompletionSource<SocketIOArgs>>? _acks;

    private ConcurrentDictionary<long, TaskCompletionSource<SocketIOArgs>> Acks => _acks ?? LazyInitializer.EnsureInitialized(ref _acks);

    /// <summary>Emits waiting for this client's acknowledgement (the <c>socketio.server.acks.pending</c> gauge).</summary>
    internal int PendingAckCount => System.Threading.Volatile.Read(ref _acks)?.Count ?? 0;

    // ---- emitting ----

    /// <summary>
    /// Sends <paramref name="eventName"/> with <paramref name="args"/> to this client: <c>socket.Emit("news", "Hello Socket.IO")</c>.
    /// Any <c>byte[]</c> / <c>ReadOnlyMemory&lt;byte&gt;</c> in the arguments (at any depth) travels as a binary attachment.
    /// Dropped once the socket is disconnected.
    /// </summary>
    /// <example><code>
    /// socket.Emit("news", "Hello Socket.IO");
    /// socket.Emit("chat", new { user = "민수", chat = "안녕하세요" });   // JSON: {"user":"민수","chat":"안녕하세요"}
    /// </code></example>
    public void Emit(string eventName, params object?[]? args) => EmitCore(eventName, args ?? [null]);

    /// <summary>Sends one argument (kept whole even when it is an array).</summary>
    public void Emit<T>(string eventName, T arg) => EmitCore(eventName, [arg]);

    /// <summary>Sends two arguments.</summary>
    public void Emit<T1, T2>(string eventName, T1 arg1, T2 arg2) => EmitCore(eventName, [arg1, arg2]);

    /// <summary>Sends three arguments.</summary>
    public void Emit<T1, T2, T3>(string eventName, T1 arg1, T2 arg2, T3 arg3) => EmitCore(eventName, [arg1, arg2, arg3]);

    /// <summary>Node's <c>send</c>: emits <c>"message"</c>.</summary>
    public void Send(params object?[]? args) => Emit("message", args);

    private void EmitCore(string eventName, object?[] args)
    {
        CheckEventName(eventName);
        if (!_connected)
        {
            Log.EmitDropped(Server.Logger, ClientLog.Clip(eventName), Id);
            return;
        }
        if (TryEmitThroughAdapter(eventName, args)) return;
        NotifyOutgoing(eventName, args);
        Connection.Write(SocketIOPacketEncoder.EncodeEvent(Nsp.Name, eventName, args, null, Server.Options.JsonSerializerOptions));
    }

    internal static void CheckEventName(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (ReservedEvents.Contains(eventName)) throw new ArgumentException($"\"{eventName}\" is a reserved event name", nameof(eventName));
    }

    // ---- acknowledgements (Node: emitWithAck, timeout, onack) ----

    /// <summary>
    /// Sends an event that asks for an acknowledgement and waits for it: <c>var answer = await socket.EmitWithAckAsync("question", "q?")</c>.
    /// Waits as long as it takes; <see cref="Timeout(TimeSpan)"/> bounds the wait, and the overload with a
    /// <see cref="CancellationToken"/> lets the caller stop it.
    /// Fails with <see cref="SocketIODisconnectedException"/> if the socket disconnects first.
    /// </summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, params object?[]? args) =>
        EmitWithAckCore(eventName, args ?? [null], System.Threading.Timeout.InfiniteTimeSpan, CancellationToken.None);

    /// <summary>
    /// As <see cref="EmitWithAckAsync(string, object?[])"/>, with a token that stops the wait (the task is then
    /// cancelled; a late answer is ignored). The arguments come as one array, so the token cannot be taken for one of
    /// them: <c>socket.EmitWithAckAsync("search", [query, page], socket.ConnectionAborted)</c>, or <c>[]</c> for none.
    /// A <see cref="CancellationToken"/> inside <paramref name="args"/> is refused (<see cref="ArgumentException"/>):
    /// it is never data.
    /// </summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        return EmitWithAckCore(eventName, args, System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
    }

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    /// <example><code>
    /// socket.On("interview", async () =&gt;
    /// {
    ///     // The client answers through its callback: socket.on("whoAreYou", (cb) =&gt; cb("민수"))
    ///     var answer = await socket.EmitWithAckAsync&lt;string&gt;("whoAreYou");
    ///     logger.LogInformation("클라이언트의 대답: {Answer}", answer);
    /// });
    /// </code></example>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        (await EmitWithAckCore(eventName, args ?? [null], System.Threading.Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(false)).Get<T>(0);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[], CancellationToken)"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    /// <example><code>
    /// // The arguments as one array, then the token: stop waiting when this client leaves.
    /// var confirmed = await socket.EmitWithAckAsync&lt;bool&gt;("confirm", [orderId, "주문을 확정할까요?"], socket.ConnectionAborted);
    /// </code></example>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        return (await EmitWithAckCore(eventName, args, System.Threading.Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false)).Get<T>(0);
    }

    /// <summary>Waits at most <paramref name="timeout"/> for acknowledgements (Node's <c>socket.timeout(ms).emitWithAck(...)</c>); then <see cref="TimeoutException"/>.</summary>
    /// <example><code>
    /// try
    /// {
    ///     var answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("whoAreYou");
    /// }
    /// catch (TimeoutException)
    /// {
    ///     logger.LogInformation("No answer within 5 s");
    /// }
    /// </code></example>
    public SocketIOTimeoutEmitter Timeout(TimeSpan timeout) => new(this, timeout);

    /// <summary>
    /// Refuses a <see cref="CancellationToken"/> among an event's arguments: it is never data, and JSON would make a
    /// meaningless object of it. It belongs in the <c>cancellationToken</c> parameter of the overload that takes one.
    /// </summary>
    internal static void CheckNoToken(object?[] args, string method)
    {
        foreach (var arg in args)
        {
            if (arg is CancellationToken)
                throw new ArgumentException($"A CancellationToken is not an event argument: give the arguments as an array, then the token: {method}(\"event\", [arg1, arg2], cancellationToken).", nameof(args));
        }
    }

    internal Task<SocketIOArgs> EmitWithAckCore(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CheckEventName(eventName);
        CheckNoToken(args, nameof(EmitWithAckAsync));
        if (!_connected) return Task.FromException<SocketIOArgs>(new SocketIODisconnectedException($"Socket {Id} is disconnected; \"{eventName}\" was not sent."));

        var id = Nsp.NextAckId();
        var pending = new TaskCompletionSource<SocketIOArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        Acks[id] = pending;
        if (!_connected && Acks.TryRemove(id, out _))   // closed between the check above and now: OnClose missed it
        {
            return Task.FromException<SocketIOArgs>(new SocketIODisconnectedException($"Socket {Id} is disconnected; \"{eventName}\" was not sent."));
        }
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan || cancellationToken.CanBeCanceled)
        {
            var timer = timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, Server.TimeProvider);
            var linked = timer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            var token2 = linked?.Token ?? cancellationToken;
            var registration = token2.Register(() =>
            {
                if (!Acks.TryRemove(id, out var p)) return;
                if (timer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
                {
                    Server.Metrics.AckTimedOut();
                    p.TrySetException(new TimeoutException($"\"{eventName}\" was not acknowledged within {timeout.TotalMilliseconds} ms (operation has timed out)."));
                }
                else
                    p.TrySetCanceled(cancellationToken);
            });
            pending.Task.ContinueWith(_ => { registration.Dispose(); linked?.Dispose(); timer?.Dispose(); }, TaskScheduler.Default);
        }
        NotifyOutgoing(eventName, args);
        Connection.Write(SocketIOPacketEncoder.EncodeEvent(Nsp.Name, eventName, args, id, Server.Options.JsonSerializerOptions));
        return pending.Task;
    }

    private void OnAck(SocketIOPacket packet)
    {
        var id = packet.Id ?? -1;
        if (_acks is null || !_acks.TryRemove(id, out var pending))
        {
            if (Connection.ClientLog.Allows(LogLevel.Debug)) Log.UnknownAck(Server.Logger, Id, id);
            return;
        }
        pending.TrySetResult(new SocketIOArgs("", packet.Data!.Value, 0, packet.Attachments, null, Server.Options.JsonSerializerOptions));
    }
}
