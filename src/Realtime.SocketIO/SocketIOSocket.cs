using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// One client in one namespace (Node's <c>socket</c>): listen with <see cref="On(string, Action)"/>, talk with
/// <see cref="Emit(string, object?[])"/>, group with <see cref="Join(string)"/> and broadcast with
/// <see cref="Broadcast"/> / <see cref="To(string)"/>. Thread-safe: emit from any thread, any time.
/// </summary>
public sealed partial class SocketIOSocket : ISocketIORemoteSocket
{
    /// <summary>Event names an application may not emit (socket.io's RESERVED_EVENTS).</summary>
    public static readonly IReadOnlySet<string> ReservedEvents =
        new HashSet<string>(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"], StringComparer.Ordinal);

    private readonly object _gate = new();
    private readonly Dictionary<string, Listener[]> _handlers = new(StringComparer.Ordinal);
    private AnyListener[] _anyHandlers = [];
    // Created on first use: most sockets never emit with an ack or store data, and a ConcurrentDictionary costs
    // ~0.6 KiB even when empty (measured with 1 000 connected sockets; see bench/README.md).
    private ConcurrentDictionary<long, TaskCompletionSource<SocketIOArgs>>? _acks;
    private ConcurrentDictionary<string, object?>? _data;
    private volatile bool _connected;
    private CancellationTokenSource? _aborted;
    private int _closing;

    internal SocketIOSocket(SocketIONamespace nsp, SocketIOConnection connection, JsonElement auth, SessionAwareSocketIOAdapter.Session? session = null)
    {
        Nsp = nsp;
        Connection = connection;
        // Never the Engine.IO id: that one is a session secret (socket.ts). A recovered socket takes its ids back.
        Id = session?.Sid ?? NewId();
        Pid = session?.Pid ?? (nsp.Server.Options.ConnectionStateRecovery is null ? null : NewId());
        _data = session?.Data;
        _restoring = session;
        Recovered = session is not null;
        Handshake = new SocketIOHandshake(connection.Engine.Handshake, auth, nsp.Server.TimeProvider);
    }

    /// <summary>The socket id (also the name of the room only this socket is in). Differs from the Engine.IO session id.</summary>
    public string Id { get; }

    /// <summary>The namespace.</summary>
    public SocketIONamespace Nsp { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server => Nsp.Server;

    /// <summary>The underlying Engine.IO connection, shared by this client's sockets in every namespace.</summary>
    public EngineIOSocket Conn => Connection.Engine;

    internal SocketIOConnection Connection { get; }

    /// <summary>What the client sent when connecting: headers, query, auth, address, time.</summary>
    public SocketIOHandshake Handshake { get; }

    /// <summary>Anything the application wants to keep with this socket (Node's <c>socket.data</c>). Thread-safe.</summary>
    public ConcurrentDictionary<string, object?> Data => _data ?? LazyInitializer.EnsureInitialized(ref _data, () => new(StringComparer.Ordinal));

    private ConcurrentDictionary<long, TaskCompletionSource<SocketIOArgs>> Acks => _acks ?? LazyInitializer.EnsureInitialized(ref _acks);

    /// <summary>True from the connection until the disconnection.</summary>
    public bool Connected => _connected;

    /// <summary>
    /// Fires when this socket disconnects, whatever the reason (SignalR's <c>ConnectionAborted</c>): pass it to the work a
    /// handler starts for this client, so that work stops when nobody is left to answer.
    /// </summary>
    /// <example><code>
    /// socket.On("search", async (string text) =&gt; await db.SearchAsync(text, socket.ConnectionAborted));
    /// </code></example>
    public CancellationToken ConnectionAborted
    {
        get
        {
            if (System.Threading.Volatile.Read(ref _aborted) is { } made) return made.Token;
            var source = new CancellationTokenSource();
            if (Interlocked.CompareExchange(ref _aborted, source, null) is { } other)
            {
                source.Dispose();
                return other.Token;
            }
            // Made after the disconnection: cancel it now (OnClose may have looked before it existed).
            if (!_connected) CancelAborted();
            return source.Token;
        }
    }

    /// <summary>The rooms this socket is in: its own id first, then the rooms in the order joined (a snapshot).</summary>
    public IReadOnlySet<string> Rooms => Nsp.Adapter.SocketRooms(Id) ?? new HashSet<string>();

    // ---- listening ----

    /// <summary>Handles <paramref name="eventName"/> with no arguments.</summary>
    public SocketIOSocket On(string eventName, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, _ => { handler(); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with the raw arguments (JSON, attachments, ack).</summary>
    public SocketIOSocket On(string eventName, Action<SocketIOArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(args); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> asynchronously with the raw arguments.</summary>
    public SocketIOSocket On(string eventName, Func<SocketIOArgs, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, handler);
    }

    /// <summary>Handles <paramref name="eventName"/>; the first argument is read as <typeparamref name="T"/>: <c>socket.On("reply", (string data) =&gt; ...)</c>.</summary>
    public SocketIOSocket On<T>(string eventName, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T>(args, 0)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments.</summary>
    public SocketIOSocket On<T1, T2>(string eventName, Action<T1, T2> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with three arguments.</summary>
    public SocketIOSocket On<T1, T2, T3>(string eventName, Action<T1, T2, T3> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1), Bind<T3>(args, 2)); return null; });
    }

    /// <summary>
    /// Handles <paramref name="eventName"/> with no arguments; the return value (awaited if it is a task) answers the
    /// client's acknowledgement: <c>socket.On("ping", () =&gt; "pong")</c>.
    /// </summary>
    public SocketIOSocket On<TResult>(string eventName, Func<TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(), args));
    }

    /// <summary>
    /// Handles <paramref name="eventName"/>; the return value answers the acknowledgement:
    /// <c>socket.On("double", (int n) =&gt; n * 2)</c>, <c>socket.On("save", async (Post p) =&gt; await db.SaveAsync(p))</c>.
    /// A handler returning a plain <see cref="Task"/> is awaited and answers nothing.
    /// </summary>
    public SocketIOSocket On<T, TResult>(string eventName, Func<T, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(Bind<T>(args, 0)), args));
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments; the return value answers the acknowledgement.</summary>
    public SocketIOSocket On<T1, T2, TResult>(string eventName, Func<T1, T2, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(Bind<T1>(args, 0), Bind<T2>(args, 1)), args));
    }

    /// <summary>Handles <paramref name="eventName"/> with an explicit acknowledgement callback: <c>(SocketIOAck ack) =&gt; ack("ok")</c>.</summary>
    public SocketIOSocket On(string eventName, Action<SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(AckOf(args)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with one argument and the acknowledgement callback: <c>(string q, SocketIOAck ack) =&gt; ack(answer)</c>.</summary>
    public SocketIOSocket On<T>(string eventName, Action<T, SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T>(args, 0), AckOf(args)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> asynchronously with one argument and the acknowledgement callback.</summary>
    public SocketIOSocket On<T>(string eventName, Func<T, SocketIOAck, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => handler(Bind<T>(args, 0), AckOf(args)));
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments and the acknowledgement callback.</summary>
    public SocketIOSocket On<T1, T2>(string eventName, Action<T1, T2, SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1), AckOf(args)); return null; });
    }

    /// <summary>Removes every handler of <paramref name="eventName"/>.</summary>
    public SocketIOSocket Off(string eventName)
    {
        lock (_gate) _handlers.Remove(eventName);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every incoming event, before its own handlers (Node's <c>onAny</c>).</summary>
    public SocketIOSocket OnAny(Action<string, SocketIOArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [.. _anyHandlers, new AnyListener(handler, (name, args) => { handler(name, args); return null; })];
        return this;
    }

    /// <summary>Runs the async <paramref name="handler"/> for every incoming event.</summary>
    public SocketIOSocket OnAny(Func<string, SocketIOArgs, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [.. _anyHandlers, new AnyListener(handler, handler)];
        return this;
    }

    /// <summary>Removes every <see cref="OnAny(Action{string, SocketIOArgs})"/> handler.</summary>
    public SocketIOSocket OffAny()
    {
        lock (_gate) _anyHandlers = [];
        return this;
    }

    // handler: the delegate as given (what Off and Listeners compare and return); invoke: it, bound to SocketIOArgs.
    private SocketIOSocket AddHandler(string eventName, Delegate handler, Func<SocketIOArgs, Task?> invoke)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var listener = new Listener(eventName, handler, invoke, t_registeringOnce);
        lock (_gate) _handlers[eventName] = _handlers.TryGetValue(eventName, out var list) ? [.. list, listener] : [listener];
        return this;
    }

    private static readonly SocketIOAck NoAck = _ => { };

    private static SocketIOAck AckOf(SocketIOArgs args) => args.Ack ?? NoAck;

    private static T Bind<T>(SocketIOArgs args, int index)
    {
        if (typeof(T) == typeof(SocketIOArgs)) return (T)(object)args;
        if (typeof(T) == typeof(SocketIOAck)) return (T)(object)AckOf(args);
        if (args.Error is T error) return error;   // "error" raised by a refusing packet middleware: (Exception e) => …
        return args.Get<T>(index)!;
    }

    // ---- emitting ----

    /// <summary>
    /// Sends <paramref name="eventName"/> with <paramref name="args"/> to this client: <c>socket.Emit("news", "Hello Socket.IO")</c>.
    /// Any <c>byte[]</c> / <c>ReadOnlyMemory&lt;byte&gt;</c> in the arguments (at any depth) travels as a binary attachment.
    /// Dropped once the socket is disconnected.
    /// </summary>
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

    /// <summary>
    /// Sends an event that asks for an acknowledgement and waits for it: <c>var answer = await socket.EmitWithAckAsync("question", "q?")</c>.
    /// A <see cref="CancellationToken"/> given as the last argument cancels the wait instead of being sent.
    /// Fails with <see cref="SocketIODisconnectedException"/> if the socket disconnects first.
    /// </summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, params object?[]? args) => EmitWithAckCore(eventName, args ?? [null], System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        (await EmitWithAckCore(eventName, args ?? [null], System.Threading.Timeout.InfiniteTimeSpan).ConfigureAwait(false)).Get<T>(0);

    /// <summary>Waits at most <paramref name="timeout"/> for acknowledgements (Node's <c>socket.timeout(ms).emitWithAck(...)</c>); then <see cref="TimeoutException"/>.</summary>
    public SocketIOTimeoutEmitter Timeout(TimeSpan timeout) => new(this, timeout);

    internal Task<SocketIOArgs> EmitWithAckCore(string eventName, object?[] args, TimeSpan timeout)
    {
        CheckEventName(eventName);
        var cancellationToken = CancellationToken.None;
        if (args.Length > 0 && args[^1] is CancellationToken token)
        {
            cancellationToken = token;
            args = args[..^1];
        }
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

    // ---- broadcasting from this socket ----

    /// <summary>Every other socket of the namespace (the sender excluded): <c>socket.Broadcast.Emit(...)</c>.</summary>
    public SocketIOBroadcastOperator Broadcast => new(Nsp.Adapter, null, new HashSet<string>(StringComparer.Ordinal) { Id });

    /// <summary>The sockets in <paramref name="room"/> except this one: <c>socket.To("room1").Emit(...)</c>.</summary>
    public SocketIOBroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>The sockets in any of <paramref name="rooms"/> except this one.</summary>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => Broadcast.To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Every other socket except those in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => Broadcast.Except(room);

    // ---- rooms ----

    /// <summary>Joins <paramref name="room"/> (no effect once disconnected).</summary>
    public SocketIOSocket Join(string room) => Join([room]);

    /// <summary>
    /// Joins every room of <paramref name="rooms"/>. A socket's id is also a room (its private one): an app that joins
    /// rooms named by the client should refuse other sockets' ids.
    /// </summary>
    public SocketIOSocket Join(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        string[] names = [.. rooms];
        foreach (var name in names)
        {
            if (name is null) throw new ArgumentException("A room name cannot be null.", nameof(rooms));
        }
        if (!_connected) return this;
        Nsp.Adapter.AddAll(Id, names);
        if (!_connected) Nsp.Adapter.DelAll(Id);   // the socket closed meanwhile: leave no room behind
        return this;
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public SocketIOSocket Leave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Nsp.Adapter.Del(Id, room);
        return this;
    }

    // ---- disconnecting ----

    /// <summary>
    /// Leaves the namespace (the client gets DISCONNECT and the reason "io server disconnect"); with
    /// <paramref name="close"/>, closes the whole underlying connection (every namespace of this client).
    /// </summary>
    public SocketIOSocket Disconnect(bool close = false)
    {
        if (!_connected) return this;
        if (close)
        {
            Connection.DisconnectAll();
        }
        else
        {
            Connection.WriteText(SocketIOPacketEncoder.EncodeDisconnect(Nsp.Name));
            OnClose(SocketIODisconnectReason.ServerNamespaceDisconnect, null);
        }
        return this;
    }

    // ---- internals (Node: _onconnect, _onpacket, onevent, onack, _onclose) ----

    internal void OnConnect()
    {
        _connected = true;
        if (!ResumeSession()) Nsp.Adapter.AddAll(Id, [Id]);
        Connection.WriteText(SocketIOPacketEncoder.EncodeConnect(Nsp.Name, Id, Pid));
    }

    internal void OnPacket(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                OnEvent(packet);
                break;
            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                OnAck(packet);
                break;
            case SocketIOPacketType.Disconnect:
                OnClose(SocketIODisconnectReason.ClientNamespaceDisconnect, null);
                break;
        }
    }

    private void OnEvent(SocketIOPacket packet)
    {
        var data = packet.Data!.Value;
        var first = data[0];
        var eventName = first.ValueKind == JsonValueKind.String ? first.GetString()! : JsNumber.ToString(first.GetDouble());
        SocketIOAck? ack = null;
        if (packet.Id is { } ackId)
        {
            var sent = 0;
            ack = values =>
            {
                if (Interlocked.Exchange(ref sent, 1) == 1 || !_connected) return; // only the first answer counts
                Connection.Write(SocketIOPacketEncoder.EncodeAck(Nsp.Name, ackId, values ?? [null], Server.Options.JsonSerializerOptions));
            };
        }
        var args = new SocketIOArgs(eventName, data, 1, packet.Attachments, ack, Server.Options.JsonSerializerOptions);

        // The handler and its state are passed separately: no closure is allocated per event.
        foreach (var any in _anyHandlers) RunHandler(static s => s.Any.Invoke(s.Name, s.Args), (Any: any, Name: eventName, Args: args), eventName);
        if (!_connected) return;
        // As Node: onAny sees the event as sent, then the packet middleware (socket.Use) may rewrite or refuse it.
        if (_packetMiddleware.Length > 0) RunPacketMiddleware(args);
        else Dispatch(args);
    }

    /// <summary>Runs the handlers of <paramref name="args"/>' event.</summary>
    private void Dispatch(SocketIOArgs args)
    {
        Listener[]? handlers;
        lock (_gate) _handlers.TryGetValue(args.Event, out handlers);
        if (handlers is null) return;
        foreach (var handler in handlers) RunListener(handler, args);
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

    /// <summary>Leaves the namespace for <paramref name="reason"/>: "disconnecting" handlers, rooms left, then "disconnect" handlers.</summary>
    internal void OnClose(string reason, string? description)
    {
        if (!_connected || Interlocked.Exchange(ref _closing, 1) == 1) return;
        RaiseReserved("disconnecting", reason, description);
        try
        {
            PersistSessionIfRecoverable(reason);
            Nsp.Adapter.DelAll(Id);
        }
        finally
        {
            // Whatever the adapter does, the socket leaves the namespace and its pending acks fail.
            Nsp.Remove(this);
            Connection.Remove(this);
            _connected = false;
            if (System.Threading.Volatile.Read(ref _acks) is { } acks)
            {
                foreach (var id in acks.Keys)
                {
                    if (acks.TryRemove(id, out var pending))
                        pending.TrySetException(new SocketIODisconnectedException($"Socket {Id} disconnected ({reason}) before acknowledging."));
                }
            }
        }
        if (Connection.ClientLog.Allows(LogLevel.Debug)) Log.SocketDisconnected(Server.Logger, ClientLog.Clip(Nsp.Name), Id, reason);
        Server.Metrics.Disconnected(reason);
        CancelAborted();
        RaiseReserved("disconnect", reason, description);
    }

    private void CancelAborted()
    {
        if (System.Threading.Volatile.Read(ref _aborted) is not { } source) return;
        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            LogHandlerFailed(e, "ConnectionAborted");   // a callback registered on the token threw
        }
    }

    private void RaiseReserved(string eventName, string reason, string? description)
    {
        Listener[]? handlers;
        lock (_gate) _handlers.TryGetValue(eventName, out handlers);
        if (handlers is null) return;
        var payload = description is null
            ? JsonSerializer.SerializeToElement(new[] { reason }, SocketIOJson.Options)
            : JsonSerializer.SerializeToElement(new[] { reason, description }, SocketIOJson.Options);
        var args = new SocketIOArgs(eventName, payload, 0, null, null, Server.Options.JsonSerializerOptions);
        foreach (var handler in handlers) RunListener(handler, args);
    }

    /// <summary>Runs <c>handler(state)</c>; its exceptions (and its task's) are logged and never reach the connection.</summary>
    internal void RunHandler<TState>(Func<TState, Task?> handler, TState state, string eventName)
    {
        Task? task;
        try
        {
            task = handler(state);
        }
        catch (JsonException e)
        {
            // The event name and the error (which may quote the client's JSON) are the client's text.
            if (Connection.ClientLog.Allows(LogLevel.Warning)) Log.ArgumentsInvalid(Server.Logger, ClientLog.Clip(eventName), Id, ClientLog.Clip(e.Message));
            return;
        }
        catch (Exception e)
        {
            LogHandlerFailed(e, eventName);
            return;
        }
        if (task is null) return;
        if (task.IsCompletedSuccessfully) return;
        _ = ObserveAsync(task, eventName);
    }

    private async Task ObserveAsync(Task task, string eventName)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogHandlerFailed(e, eventName);
        }
    }

    // An OnAny handler sees any event name the client chose.
    private void LogHandlerFailed(Exception e, string eventName)
    {
        Server.Metrics.Error(SocketIOMetrics.HandlerFailed);
        if (Connection.ClientLog.Allows(LogLevel.Error)) Log.HandlerFailed(Server.Logger, e, ClientLog.Clip(eventName), Id, ClientLog.Clip(Nsp.Name));
    }

    private static string NewId()
    {
        // Node's base64id: 15 random bytes, URL-safe base64, 20 characters.
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    /// <inheritdoc />
    public override string ToString() => $"{Nsp.Name}#{Id}";

    // ---- as one of the sockets FetchSocketsAsync returns ----

    IReadOnlyDictionary<string, object?> ISocketIORemoteSocket.Data => Data;

    void ISocketIORemoteSocket.Join(string room) => Join(room);

    void ISocketIORemoteSocket.Leave(string room) => Leave(room);

    void ISocketIORemoteSocket.Disconnect(bool close) => Disconnect(close);

    /// <summary>Turns a handler's return value into the acknowledgement (awaiting tasks first).</summary>
    private static class AckResult<TResult>
    {
        private static readonly Type Type = typeof(TResult);
        private static readonly bool IsTask = Type == typeof(Task);
        private static readonly bool IsValueTask = Type == typeof(ValueTask);
        private static readonly bool IsTaskOf = Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(Task<>);
        private static readonly bool IsValueTaskOf = Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(ValueTask<>);
        private static readonly PropertyInfo? ResultProperty =
            IsTaskOf ? Type.GetProperty("Result") : IsValueTaskOf ? typeof(Task<>).MakeGenericType(Type.GetGenericArguments()[0]).GetProperty("Result") : null;
        private static readonly MethodInfo? AsTask = IsValueTaskOf ? Type.GetMethod("AsTask") : null;

        public static Task? Answer(TResult result, SocketIOArgs args)
        {
            if (IsTask) return (Task)(object)result!;
            if (IsValueTask) return ((ValueTask)(object)result!).AsTask();
            if (IsTaskOf) return AwaitThenAnswer((Task)(object)result!, args);
            if (IsValueTaskOf) return AwaitThenAnswer((Task)AsTask!.Invoke(result, null)!, args);
            args.Ack?.Invoke(result);
            return null;
        }

        private static async Task AwaitThenAnswer(Task task, SocketIOArgs args)
        {
            await task.ConfigureAwait(false);
            args.Ack?.Invoke(ResultProperty!.GetValue(task));
        }
    }
}

/// <summary>Emits that wait a limited time for acknowledgements (<c>socket.Timeout(TimeSpan.FromSeconds(5))</c>).</summary>
public readonly struct SocketIOTimeoutEmitter
{
    private readonly SocketIOSocket _socket;
    private readonly TimeSpan _timeout;

    internal SocketIOTimeoutEmitter(SocketIOSocket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    /// <summary>Sends and waits for the acknowledgement; <see cref="TimeoutException"/> after the timeout.</summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, params object?[]? args) => _socket.EmitWithAckCore(eventName, args ?? [null], _timeout);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        (await _socket.EmitWithAckCore(eventName, args ?? [null], _timeout).ConfigureAwait(false)).Get<T>(0);
}

/// <summary>The socket disconnected before an acknowledgement arrived (or before the emit).</summary>
public sealed class SocketIODisconnectedException(string message) : Exception(message);
