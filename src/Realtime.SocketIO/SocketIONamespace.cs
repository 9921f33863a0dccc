using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO;

/// <summary>
/// A namespace (Node's <c>io.of("/goods")</c>): its own connection handlers, middleware, sockets and rooms, over the
/// same underlying connection as the other namespaces of a client.
/// </summary>
public partial class SocketIONamespace
{
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ConnectionListener[] _connectionHandlers = [];
    private Func<SocketIOSocket, Func<Task>, Task>[] _middleware = [];
    private readonly ConcurrentDictionary<string, Action<SocketIOArgs>[]> _serverSideHandlers = new(StringComparer.Ordinal);
    private long _ackIds = -1;

    internal SocketIONamespace(SocketIOServer server, string name, SocketIONamespace? parent = null)
    {
        Server = server;
        Name = name;
        Parent = parent;
        Adapter = server.Options.AdapterFactory(this);
        SessionAwareSocketIOAdapter.WarnIfUnsupported(this);
    }

    /// <summary>The name, starting with <c>/</c>.</summary>
    public string Name { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server { get; }

    /// <summary>The rooms of this namespace.</summary>
    public ISocketIOAdapter Adapter { get; }

    /// <summary>For a namespace created from a dynamic pattern (<c>io.Of(regex)</c>), the pattern's namespace.</summary>
    public SocketIONamespace? Parent { get; }

    /// <summary>The connected sockets by id.</summary>
    public IReadOnlyDictionary<string, SocketIOSocket> Sockets => _sockets;

    internal bool TryGetSocket(string id, [MaybeNullWhen(false)] out SocketIOSocket socket) => _sockets.TryGetValue(id, out socket);

    internal long NextAckId() => Interlocked.Increment(ref _ackIds);

    /// <summary>Runs <paramref name="handler"/> for each new socket: <c>nsp.On("connection", socket =&gt; ...)</c> (also "connect").</summary>
    /// <example><code>
    /// io.Of("/goods").On("connection", socket =&gt;
    /// {
    ///     logger.LogInformation("goods connected");
    ///     socket.On("shoes", (string res) =&gt; $"shoes: {res}");   // answers the client's callback
    /// });
    /// </code></example>
    public SocketIONamespace On(string eventName, Action<SocketIOSocket> handler)
    {
        CheckConnectionEvent(eventName);
        return OnConnection(handler);
    }

    /// <summary>Runs the async <paramref name="handler"/> for each new socket (not awaited before the socket's events are handled, as in Node).</summary>
    public SocketIONamespace On(string eventName, Func<SocketIOSocket, Task> handler)
    {
        CheckConnectionEvent(eventName);
        return OnConnection(handler);
    }

    /// <summary>Runs <paramref name="handler"/> for each new socket.</summary>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddConnectionHandler(handler, socket => { handler(socket); return null; });
    }

    /// <summary>Runs the async <paramref name="handler"/> for each new socket.</summary>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddConnectionHandler(handler, handler);
    }

    private SocketIONamespace AddConnectionHandler(Delegate handler, Func<SocketIOSocket, Task?> invoke)
    {
        var listener = new ConnectionListener(this, handler, invoke, t_registeringOnce);
        lock (_gate) _connectionHandlers = [.. _connectionHandlers, listener];
        return this;
    }

    private static void CheckConnectionEvent(string eventName)
    {
        if (eventName is not ("connection" or "connect"))
            throw new ArgumentException($"A namespace raises \"connection\" only; handle \"{eventName}\" on the socket: socket.On(\"{eventName}\", ...).", nameof(eventName));
    }

    /// <summary>
    /// Adds middleware run for each connecting socket before it joins: <c>nsp.Use(async (socket, next) =&gt; { ...; await next(); })</c>.
    /// Throw a <see cref="SocketIOConnectException"/> to refuse the connection: the client gets a <c>connect_error</c>
    /// with its message and data. Any other exception refuses it too, but the client only reads "Server error" (its
    /// message may hold internals) and the exception is logged. Returning without calling <c>next</c> refuses it too.
    /// </summary>
    /// <example><code>
    /// io.Of("/chat").Use(async (socket, next) =&gt;
    /// {
    ///     if (socket.Handshake.User?.Identity?.IsAuthenticated != true)
    ///         throw new SocketIOConnectException("unauthorized", new { content = "Please sign in" });   // the client's connect_error
    ///     await next();
    /// });
    /// </code></example>
    public SocketIONamespace Use(Func<SocketIOSocket, Func<Task>, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate) _middleware = [.. _middleware, middleware];
        return this;
    }

    /// <summary>Adds middleware that refuses the connection by throwing, and lets it through by returning.</summary>
    public SocketIONamespace Use(Func<SocketIOSocket, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(async (socket, next) => { await middleware(socket).ConfigureAwait(false); await next().ConfigureAwait(false); });
    }

    private Func<SocketIOSocket, Func<Task>, Task>[] AllMiddleware => Parent is null ? _middleware : [.. Parent.AllMiddleware, .. _middleware];

    private ConnectionListener[] AllConnectionHandlers => Parent is null ? _connectionHandlers : [.. Parent.AllConnectionHandlers, .. _connectionHandlers];

    // ---- broadcasting (Node: nsp.emit / nsp.to / …) ----

    /// <summary>A broadcast to the sockets in <paramref name="room"/>.</summary>
    /// <example><code>
    /// io.Of("/chat").To($"room:{roomId}").Emit("chat", new { user, chat = text });   // everyone in that room of /chat
    /// </code></example>
    public virtual SocketIOBroadcastOperator To(string room) => new SocketIOBroadcastOperator(Adapter).To(room);

    /// <summary>A broadcast to the sockets in any of <paramref name="rooms"/>.</summary>
    public virtual SocketIOBroadcastOperator To(IEnumerable<string> rooms) => new SocketIOBroadcastOperator(Adapter).To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    /// <summary>A broadcast to every socket except those in <paramref name="room"/>.</summary>
    public virtual SocketIOBroadcastOperator Except(string room) => new SocketIOBroadcastOperator(Adapter).Except(room);

    /// <summary>A broadcast limited to this server.</summary>
    public SocketIOBroadcastOperator Local => new SocketIOBroadcastOperator(Adapter).Local;

    /// <summary>Emits to every socket of the namespace.</summary>
    /// <example><code>
    /// io.Of("/lobby").Emit("newRoom", new { id = 7, title = "점심 메뉴" });   // every socket of /lobby
    /// </code></example>
    public virtual void Emit(string eventName, params object?[]? args) => new SocketIOBroadcastOperator(Adapter).Emit(eventName, args ?? [null]);

    /// <summary>Emits one argument to every socket (kept whole even when it is an array).</summary>
    public void Emit<T>(string eventName, T arg) => Emit(eventName, [arg]);

    /// <summary>Emits two arguments to every socket.</summary>
    public void Emit<T1, T2>(string eventName, T1 arg1, T2 arg2) => Emit(eventName, [arg1, arg2]);

    /// <summary>Emits three arguments to every socket.</summary>
    public void Emit<T1, T2, T3>(string eventName, T1 arg1, T2 arg2, T3 arg3) => Emit(eventName, [arg1, arg2, arg3]);

    /// <summary>Node's <c>send</c>: emits <c>"message"</c>.</summary>
    public void Send(params object?[]? args) => Emit("message", args);

    /// <summary>The sockets of the namespace (through the adapter).</summary>
    public Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) =>
        new SocketIOBroadcastOperator(Adapter).FetchSocketsAsync(cancellationToken);

    /// <summary>Makes every socket join <paramref name="room"/>.</summary>
    public void SocketsJoin(string room) => new SocketIOBroadcastOperator(Adapter).SocketsJoin(room);

    /// <summary>Makes every socket leave <paramref name="room"/>.</summary>
    public void SocketsLeave(string room) => new SocketIOBroadcastOperator(Adapter).SocketsLeave(room);

    /// <summary>Disconnects every socket; <paramref name="close"/> also closes their whole connection.</summary>
    public void DisconnectSockets(bool close = false) => new SocketIOBroadcastOperator(Adapter).DisconnectSockets(close);

    // ---- between servers (Node: nsp.serverSideEmit, and nsp.on for what the others send) ----

    /// <summary>
    /// Sends an event to the other servers of the cluster, not to clients (Node's <c>serverSideEmit</c>); they handle it
    /// with <see cref="OnServerSideEmit"/>. Needs a multi-server adapter; with the in-memory one nobody hears it.
    /// </summary>
    public void ServerSideEmit(string eventName, params object?[]? args)
    {
        CheckServerSideEvent(eventName);
        Adapter.ServerSideEmit(eventName, args ?? [null]);
    }

    /// <summary>
    /// Sends an event to the other servers and returns one answer from each (Node's <c>serverSideEmitWithAck</c>).
    /// Throws <see cref="SocketIOClusterTimeoutException"/> when some did not answer within the adapter's timeout.
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(string eventName, params object?[]? args) =>
        ServerSideEmitWithAckAsync(eventName, args ?? [null], CancellationToken.None);

    /// <summary>
    /// As <see cref="ServerSideEmitWithAckAsync(string, object?[])"/>, with a token that stops the wait: the arguments
    /// as one array, then the token (a <see cref="CancellationToken"/> among the arguments is refused).
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        CheckServerSideEvent(eventName);
        ArgumentNullException.ThrowIfNull(args);
        SocketIOSocket.CheckNoToken(args, nameof(ServerSideEmitWithAckAsync));
        return Adapter.ServerSideEmitWithAckAsync(eventName, args, cancellationToken);
    }

    /// <summary>
    /// Handles an event another server sent with <see cref="ServerSideEmit"/> (Node: <c>io.on("hello", (...args) =&gt; ...)</c>).
    /// When the sender waits for an answer, <see cref="SocketIOArgs.Ack"/> sends it (one per server; the first call counts).
    /// </summary>
    public SocketIONamespace OnServerSideEmit(string eventName, Action<SocketIOArgs> handler)
    {
        CheckServerSideEvent(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        _serverSideHandlers.AddOrUpdate(eventName, [handler], (_, handlers) => [.. handlers, handler]);
        return this;
    }

    /// <summary>
    /// Raises an event another server sent (multi-server adapters call it). Each handler runs even when another throws;
    /// what a handler throws is logged, never thrown into the adapter.
    /// </summary>
    public void RaiseServerSideEmit(SocketIOArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!_serverSideHandlers.TryGetValue(args.Event, out var handlers)) return;
        foreach (var handler in handlers)
        {
            try
            {
                handler(args);
            }
            catch (Exception e)
            {
                Log.ServerSideHandlerFailed(Server.Logger, e, args.Event, Name);
            }
        }
    }

    private static void CheckServerSideEvent(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (eventName is "connect" or "connection" or "new_namespace")
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
    }

    // ---- joining (Node: Namespace._add / _doConnect) ----

    internal async Task AddAsync(SocketIOConnection connection, JsonElement auth)
    {
        // Connection state recovery: a client back with a kept session gets its socket back, and skips the middleware
        // it already passed when SkipMiddlewares (Node's _createSocket / _add).
        var session = SocketIOSocket.FindSession(this, auth);
        var socket = new SocketIOSocket(this, connection, auth, session);
        var skipMiddleware = session is not null && Server.Options.ConnectionStateRecovery is { SkipMiddlewares: true };
        Exception? refusal = null;
        try
        {
            if (!skipMiddleware && !await RunMiddlewareAsync(socket).ConfigureAwait(false))
                refusal = new SocketIOConnectException("Connection refused");
        }
        catch (Exception e)
        {
            refusal = e;
        }

        if (!connection.IsOpen)
        {
            Abandon(connection);
            return;
        }
        if (refusal is not null)
        {
            // Only a SocketIOConnectException speaks to the client; any other exception's message may hold internals.
            var intended = refusal as SocketIOConnectException;
            // A client can ask again and again, with a name of its choice (Of(regex)): through its ClientLog.
            if (intended is null)
            {
                if (connection.ClientLog.Allows(LogLevel.Error)) Log.MiddlewareFailed(Server.Logger, refusal, ClientLog.Clip(Name), connection.LogId);
            }
            else if (connection.ClientLog.Allows(LogLevel.Information))
            {
                Log.ConnectionRefused(Server.Logger, ClientLog.Clip(Name), connection.LogId, ClientLog.Clip(intended.Message));
            }
            Server.Metrics.Error(SocketIOMetrics.ConnectionRefused);
            Abandon(connection);
            connection.WriteText(Protocol.SocketIOPacketEncoder.EncodeConnectError(Name, intended?.Message ?? "Server error",
                intended?.Data, Server.Options.JsonSerializerOptions));
            return;
        }

        // After an asynchronous middleware this runs on another thread while the client's packets keep coming: join
        // as a dispatch, so that a packet sent right after our CONNECT waits until the connection handlers have run
        // (and registered their socket.On handlers), as in Node where all of this happens in one tick.
        connection.Engine.RunAsDispatch(static s => s.Namespace.Join(s.Socket, s.Connection), (Namespace: this, Socket: socket, Connection: connection));
    }

    private void Join(SocketIOSocket socket, SocketIOConnection connection)
    {
        // As Node: join the socket's own room and send CONNECT before the user's handlers run, so their emits follow it.
        _sockets[socket.Id] = socket;
        socket.OnConnect();
        connection.Joined(Name, socket);
        if (!connection.IsOpen)
        {
            // The connection closed while this socket was joining, maybe after it took its list of sockets to close.
            socket.OnClose(SocketIODisconnectReason.TransportClose, null);
            return;
        }
        if (connection.ClientLog.Allows(LogLevel.Debug)) Log.SocketConnected(Server.Logger, ClientLog.Clip(Name), socket.Id, connection.Id);
        foreach (var handler in AllConnectionHandlers)
        {
            if (!socket.Connected) break;
            if (handler.TryFire()) socket.RunHandler(handler.Invoke, socket, "connection");
        }
    }

    private async Task<bool> RunMiddlewareAsync(SocketIOSocket socket)
    {
        var middleware = AllMiddleware;
        var reachedEnd = false;
        Task Next(int i)
        {
            if (i == middleware.Length) { reachedEnd = true; return Task.CompletedTask; }
            var called = false;
            return middleware[i](socket, () =>
            {
                if (called) return Task.CompletedTask; // next() called twice: ignore the second call
                called = true;
                return Next(i + 1);
            });
        }
        await Next(0).ConfigureAwait(false);
        return reachedEnd;
    }

    internal void Remove(SocketIOSocket socket)
    {
        if (_sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket))) LeftBy();
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The namespace of a dynamic pattern (<c>io.Of(new Regex("^/room-\\d+$"))</c>): each matching name becomes a child
/// namespace that shares this one's connection handlers and middleware; emitting here emits in every child.
/// </summary>
public sealed partial class SocketIOParentNamespace : SocketIONamespace
{
    private readonly Func<string, JsonElement, bool> _matches;
    private readonly ConcurrentDictionary<string, SocketIONamespace> _children = new(StringComparer.Ordinal);

    internal SocketIOParentNamespace(SocketIOServer server, string name, Func<string, JsonElement, bool> matches) : base(server, name) => _matches = matches;

    /// <summary>The namespaces created from this pattern so far.</summary>
    public IReadOnlyCollection<SocketIONamespace> Children => _children.Values.ToArray();

    internal bool Matches(string name, JsonElement auth) => _matches(name, auth);

    internal SocketIONamespace CreateChild(string name) => _children.GetOrAdd(name, n => new SocketIONamespace(Server, n, this));

    /// <summary>Emits in every child namespace.</summary>
    public override void Emit(string eventName, params object?[]? args)
    {
        foreach (var child in _children.Values) child.Emit(eventName, args ?? [null]);
    }
}
