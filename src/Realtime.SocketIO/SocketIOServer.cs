using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Realtime.EngineIO;

namespace Realtime.SocketIO;

/// <summary>
/// The Socket.IO server (Node's <c>io</c>). Get it from <c>app.MapSocketIO().Server</c> or from dependency injection
/// (after <c>AddSocketIO</c>). Methods without a namespace act on the main namespace <c>/</c>, as in Node:
/// <c>io.On("connection", ...)</c>, <c>io.Emit(...)</c>, <c>io.To("room").Emit(...)</c>.
/// </summary>
public sealed partial class SocketIOServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly List<SocketIOParentNamespace> _parents = [];
    private int _parentIds;

    /// <summary>Creates a server and its Engine.IO server; <c>AddSocketIO</c>/<c>MapSocketIO</c> do this for you.</summary>
    public SocketIOServer(SocketIOServerOptions options, ILoggerFactory? loggerFactory = null, IServiceProvider? services = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        loggerFactory ??= NullLoggerFactory.Instance;
        Logger = loggerFactory.CreateLogger<SocketIOServer>();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Services = services;
        // Both meters come from the app's IMeterFactory when there is one (AddSocketIO), so tests read them per server.
        var meterFactory = services?.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory)) as System.Diagnostics.Metrics.IMeterFactory;
        Engine = new EngineIOServer(options, loggerFactory, TimeProvider, meterFactory, services); // services: socket.Conn.RequestServices
        Metrics = new SocketIOMetrics(this, meterFactory);
        Engine.Connection += engine => _ = new SocketIOConnection(this, engine);
        Sockets = Of("/");
    }

    /// <summary>The options.</summary>
    public SocketIOServerOptions Options { get; }

    /// <summary>The Engine.IO server underneath (Node's <c>io.engine</c>).</summary>
    public EngineIOServer Engine { get; }

    /// <summary>The application's services, when created through dependency injection.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>The main namespace <c>/</c> (Node's <c>io.sockets</c>).</summary>
    public SocketIONamespace Sockets { get; }

    /// <summary>The namespaces created so far.</summary>
    public IReadOnlyCollection<SocketIONamespace> Namespaces => _namespaces.Values.ToArray();

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>The Socket.IO instruments (README, "Metrics").</summary>
    internal SocketIOMetrics Metrics { get; }

    /// <summary>A broadcast packet was encoded (once, whatever the audience): counted by the packets-encoded metric.</summary>
    internal void CountEncode() => Metrics.PacketEncoded();

    // ---- namespaces ----

    /// <summary>Raised when a namespace is created, static or a dynamic child (Node's <c>new_namespace</c>).</summary>
    public event Action<SocketIONamespace>? NamespaceCreated;

    /// <summary>The namespace <paramref name="name"/> (created on first use): <c>io.Of("/goods")</c>.</summary>
    /// <example><code>
    /// var goods = io.Of("/goods");   // the client: io("http://localhost:8005/goods")
    /// goods.On("connection", socket =&gt; socket.On("shoes", (string res) =&gt; $"shoes: {res}"));
    /// </code></example>
    public SocketIONamespace Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith('/')) name = "/" + name;
        return _namespaces.TryGetValue(name, out var nsp) ? nsp : AddNamespace(name, () => new SocketIONamespace(this, name));
    }

    private SocketIONamespace AddNamespace(string name, Func<SocketIONamespace> create)
    {
        SocketIONamespace nsp;
        lock (_namespaces)
        {
            if (_namespaces.TryGetValue(name, out var existing)) return existing;
            nsp = create();
            if (!_namespaces.TryAdd(name, nsp)) return _namespaces[name];
        }
        RaiseNamespaceCreated(nsp);
        return nsp;
    }

    /// <summary>Raises <see cref="NamespaceCreated"/> outside any lock; a handler that throws is logged, not passed on.</summary>
    internal void RaiseNamespaceCreated(SocketIONamespace nsp)
    {
        if (NamespaceCreated is not { } created) return;
        foreach (var handler in Delegate.EnumerateInvocationList(created))
        {
            try
            {
                handler(nsp);
            }
            catch (Exception e)
            {
                Logger.LogError(e, "A NamespaceCreated handler threw for {Namespace}", ClientLog.Clip(nsp.Name));
            }
        }
    }

    /// <summary>Dynamic namespaces: every name matching <paramref name="pattern"/> becomes a namespace on first connection.</summary>
    public SocketIOParentNamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Of((name, _) => pattern.IsMatch(name));
    }

    /// <summary>Dynamic namespaces: <paramref name="accept"/> decides from the name and the auth object.</summary>
    public SocketIOParentNamespace Of(Func<string, JsonElement, bool> accept)
    {
        ArgumentNullException.ThrowIfNull(accept);
        var parent = new SocketIOParentNamespace(this, "/_" + Interlocked.Increment(ref _parentIds), accept);
        lock (_parents) _parents.Add(parent);
        return parent;
    }

    internal SocketIONamespace? FindOrCreateNamespace(string name, JsonElement auth)
    {
        if (_namespaces.TryGetValue(name, out var nsp)) return nsp.Parent is SocketIOParentNamespace p && Options.CleanupEmptyChildNamespaces ? p.Enter(name) : nsp;
        SocketIOParentNamespace[] parents;
        lock (_parents) parents = [.. _parents];
        foreach (var parent in parents)
        {
            bool matches;
            try
            {
                matches = parent.Matches(name, auth);
            }
            catch (Exception e)
            {
                Logger.LogError(e, "The dynamic namespace check for {Namespace} threw", name);
                continue;
            }
            if (matches) return Options.CleanupEmptyChildNamespaces ? parent.Enter(name) : AddNamespace(name, () => parent.CreateChild(name));
        }
        return null;
    }

    // A child of a dynamic pattern comes and goes with CleanupEmptyChildNamespaces (see SocketIOParentNamespace.Enter).
    /// <summary>Lists a child created by its parent; true if it was not listed yet (the caller then raises NamespaceCreated, outside its lock).</summary>
    internal bool AddChild(SocketIONamespace child) => _namespaces.TryAdd(child.Name, child);

    internal void RemoveChild(SocketIONamespace child) => _namespaces.TryRemove(new KeyValuePair<string, SocketIONamespace>(child.Name, child));

    // ---- the main namespace ----

    /// <summary>Runs <paramref name="handler"/> for each socket joining the main namespace: <c>io.On("connection", socket =&gt; ...)</c>.</summary>
    /// <example><code>
    /// io.On("connection", socket =&gt;                                   // 웹 소켓 연결 시
    /// {
    ///     logger.LogInformation("새로운 클라이언트가 접속했습니다. ({SocketId})", socket.Id);
    ///     socket.Emit("news", "Hello Socket.IO");
    ///     socket.On("reply", (string data) =&gt; logger.LogInformation("{Data}", data));
    /// });
    /// </code></example>
    public SocketIOServer On(string eventName, Action<SocketIOSocket> handler) { Sockets.On(eventName, handler); return this; }

    /// <summary>The async form of <see cref="On(string, Action{SocketIOSocket})"/>.</summary>
    public SocketIOServer On(string eventName, Func<SocketIOSocket, Task> handler) { Sockets.On(eventName, handler); return this; }

    /// <summary>Runs <paramref name="handler"/> for each socket joining the main namespace.</summary>
    public SocketIOServer OnConnection(Action<SocketIOSocket> handler) { Sockets.OnConnection(handler); return this; }

    /// <summary>The async form of <see cref="OnConnection(Action{SocketIOSocket})"/>.</summary>
    public SocketIOServer OnConnection(Func<SocketIOSocket, Task> handler) { Sockets.OnConnection(handler); return this; }

    /// <summary>Middleware of the main namespace: <c>io.Use(async (socket, next) =&gt; ...)</c>.</summary>
    /// <example><code>
    /// io.Use(async (socket, next) =&gt;
    /// {
    ///     var token = socket.Handshake.Auth.TryGetProperty("token", out var t) ? t.GetString() : null;
    ///     if (token is null || !await tokens.IsValidAsync(token))
    ///         throw new SocketIOConnectException("unauthorized");   // the client's connect_error
    ///     await next();
    /// });
    /// </code></example>
    public SocketIOServer Use(Func<SocketIOSocket, Func<Task>, Task> middleware) { Sockets.Use(middleware); return this; }

    /// <summary>Middleware of the main namespace that refuses by throwing.</summary>
    public SocketIOServer Use(Func<SocketIOSocket, Task> middleware) { Sockets.Use(middleware); return this; }

    /// <summary>A broadcast to <paramref name="room"/> in the main namespace: <c>io.To("room1").Emit(...)</c>.</summary>
    /// <example><code>
    /// io.To(socketId).Emit("private", new { from = socket.Id, msg });   // one socket: its id is its own room
    /// io.To("1").To("2").Emit("room", new { from = socket.Id, msg });   // in room 1 or 2, once each
    /// </code></example>
    public SocketIOBroadcastOperator To(string room) => Sockets.To(room);

    /// <summary>A broadcast to any of <paramref name="rooms"/> in the main namespace.</summary>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => Sockets.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => Sockets.To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => Sockets.To(rooms);

    /// <summary>A broadcast to the main namespace except <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => Sockets.Except(room);

    /// <summary>A broadcast limited to this server.</summary>
    public SocketIOBroadcastOperator Local => Sockets.Local;

    /// <summary>Emits to every socket of the main namespace: <c>io.Emit("BUY_GOODS", data)</c>.</summary>
    /// <example><code>
    /// io.Emit("BUY_GOODS", new { nickname = "민수", goodsId = 10, goodsName = "콜라" });   // every connected socket
    /// </code></example>
    public void Emit(string eventName, params object?[]? args) => Sockets.Emit(eventName, args ?? [null]);

    /// <summary>Emits one argument (kept whole even when it is an array).</summary>
    public void Emit<T>(string eventName, T arg) => Sockets.Emit(eventName, [arg]);

    /// <summary>Emits two arguments.</summary>
    public void Emit<T1, T2>(string eventName, T1 arg1, T2 arg2) => Sockets.Emit(eventName, [arg1, arg2]);

    /// <summary>Emits three arguments.</summary>
    public void Emit<T1, T2, T3>(string eventName, T1 arg1, T2 arg2, T3 arg3) => Sockets.Emit(eventName, [arg1, arg2, arg3]);

    /// <summary>Node's <c>io.send</c>: emits <c>"message"</c> in the main namespace.</summary>
    public void Send(params object?[]? args) => Sockets.Emit("message", args);

    /// <summary>The sockets of the main namespace.</summary>
    public Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) => Sockets.FetchSocketsAsync(cancellationToken);

    /// <summary>Makes every socket of the main namespace join <paramref name="room"/>.</summary>
    public void SocketsJoin(string room) => Sockets.SocketsJoin(room);

    /// <summary>Makes every socket of the main namespace leave <paramref name="room"/>.</summary>
    public void SocketsLeave(string room) => Sockets.SocketsLeave(room);

    /// <summary>Disconnects every socket of the main namespace; <paramref name="close"/> also closes their connections.</summary>
    public void DisconnectSockets(bool close = false) => Sockets.DisconnectSockets(close);

    /// <summary>Sends an event to the other servers of the cluster (see <see cref="SocketIONamespace.ServerSideEmit"/>).</summary>
    public void ServerSideEmit(string eventName, params object?[]? args) => Sockets.ServerSideEmit(eventName, args);

    /// <summary>Sends an event to the other servers and returns their answers (see <see cref="SocketIONamespace.ServerSideEmitWithAckAsync(string, object?[])"/>).</summary>
    public Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(string eventName, params object?[]? args) => Sockets.ServerSideEmitWithAckAsync(eventName, args);

    /// <summary>As <see cref="ServerSideEmitWithAckAsync(string, object?[])"/>, with a token that stops the wait: the arguments as one array, then the token.</summary>
    public Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default) =>
        Sockets.ServerSideEmitWithAckAsync(eventName, args, cancellationToken);

    /// <summary>Handles an event another server sent (see <see cref="SocketIONamespace.OnServerSideEmit"/>).</summary>
    public SocketIOServer OnServerSideEmit(string eventName, Action<SocketIOArgs> handler) { Sockets.OnServerSideEmit(eventName, handler); return this; }

    /// <summary>How many servers share the main namespace's rooms (1 without a multi-server adapter).</summary>
    public Task<int> ServerCountAsync(CancellationToken cancellationToken = default) => Sockets.Adapter.ServerCountAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }
}
