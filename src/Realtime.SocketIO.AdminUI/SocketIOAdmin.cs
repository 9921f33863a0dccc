using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.EngineIO;

namespace Realtime.SocketIO.AdminUI;

/// <summary>
/// The server half of the official Socket.IO Admin UI, as npm <c>@socket.io/admin-ui</c>'s <c>instrument(io)</c>:
/// an admin namespace the dashboard connects to, which is sent <c>config</c>, <c>all_sockets</c>, <c>server_stats</c>
/// every two seconds and, in development mode, every <c>socket_connected</c> / <c>socket_updated</c> /
/// <c>socket_disconnected</c>, <c>room_joined</c> / <c>room_left</c> and <c>event_received</c> / <c>event_sent</c>;
/// and which obeys the dashboard's commands <c>emit</c>, <c>join</c>, <c>leave</c> and <c>_disconnect</c>
/// unless read-only. Create it with <see cref="SocketIOAdminExtensions.Instrument"/>.
/// </summary>
public sealed class SocketIOAdmin : IAsyncDisposable
{
    private static readonly string[] Commands = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"];

    private readonly SocketIOServer _io;
    private readonly SocketIOAdminOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SocketIONamespace _admin;
    private readonly bool _development;
    private readonly AdminEventBuffer _events;
    private readonly AdminSessions _sessions;
    private readonly string[] _features;
    private readonly ITimer _statsTimer;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    // bcrypt costs tens of milliseconds of CPU on purpose: at most two checks run at once, and a sign-in that finds
    // both busy is refused at once rather than queued (a flood of guesses must not take the server's cores).
    private readonly SemaphoreSlim _bcrypt = new(2, 2);
    private readonly RefusalLog _refusals;
    // What is watched, once each (a namespace or session created while the constructor walks the existing ones could
    // otherwise be seen twice); weak, so a closed session or a removed namespace is not kept alive.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _watched = new();
    private volatile bool _disposed;
    // Dashboards connected now. With none, nothing is counted or copied: the figures and the live view go to the
    // dashboards only, and a server nobody watches pays next to nothing on its hot path (bench/README.md).
    private int _dashboards;

    private bool Watching => !_disposed && Volatile.Read(ref _dashboards) > 0;

    internal SocketIOAdmin(SocketIOServer io, SocketIOAdminOptions options, SocketIOAdminAuth auth, SocketIOAdminMode mode, ILogger logger)
    {
        _io = io;
        _options = options;
        _logger = logger;
        _time = io.Services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        _development = mode == SocketIOAdminMode.Development;
        _events = new AdminEventBuffer(_time);
        _sessions = new AdminSessions(_time, options.SessionDuration);
        _refusals = new RefusalLog(_time);
        _features = [.. options.ReadOnly ? [] : Commands, "AGGREGATED_EVENTS", .. _development ? new[] { "ALL_EVENTS" } : []];
        ServerId = options.ServerId ?? Environment.MachineName;

        _admin = io.Of(options.NamespaceName);
        // Without a sign-in, the only guard left is the Origin: a web page on another site must not drive the
        // dashboard's namespace from a browser that can reach this server (the dashboard's own page is same-origin).
        _admin.Use(socket => auth.IsEnabled ? SignInAsync(socket, auth) : CheckOriginAsync(socket));
        _admin.On("connection", OnAdminConnected);

        // The figures: every Engine.IO session, its packets and bytes each way, and why it closed.
        io.Engine.Connection += WatchEngine;
        foreach (var engine in io.Engine.Clients) WatchEngine(engine);

        // The live view: every namespace, those created later too (dynamic children), the admin namespace itself.
        if (_development)
        {
            io.NamespaceCreated += Watch;
            foreach (var nsp in io.Namespaces) Watch(nsp);
        }

        _statsTimer = _time.CreateTimer(_ => EmitStats(), null, TimeSpan.Zero, options.StatsInterval);
        Log.Instrumented(_logger, _admin.Name, auth.IsEnabled ? "basic" : "disabled", mode, options.ReadOnly);
    }

    /// <summary>This server's name in the dashboard.</summary>
    public string ServerId { get; }

    /// <summary>The admin namespace.</summary>
    public SocketIONamespace Namespace => _admin;

    // ---------------------------------------------------------------- sign-in

    private async Task SignInAsync(SocketIOSocket socket, SocketIOAdminAuth auth)
    {
        var given = socket.Handshake.Auth;
        if (Text(given, "sessionId") is { } sessionId && _sessions.Exists(sessionId)) return;

        if (Text(given, "username") == auth.Username && Text(given, "password") is { } password
            && await VerifyAsync(password, auth.PasswordHash!).ConfigureAwait(false))
        {
            socket.Data[SessionKey] = _sessions.Create(); // sent once connected: the dashboard reconnects with it
            return;
        }
        if (_refusals.Allows()) Log.SignInRefused(_logger, socket.Handshake.Address);
        throw new SocketIOConnectException("invalid credentials"); // the text the dashboard looks for
    }

    private async Task<bool> VerifyAsync(string password, string hash)
    {
        if (password.Length > 256 || !_bcrypt.Wait(0)) return false;
        try
        {
            return await Task.Run(() => BCrypt.Net.BCrypt.Verify(password, hash)).ConfigureAwait(false); // off the dispatch
        }
        finally
        {
            _bcrypt.Release();
        }
    }

    /// <summary>
    /// Refuses an open dashboard connection from a page of another origin (a browser always sends Origin; a client
    /// that is not a browser sends none, and is let in, as it could not be kept out by an Origin check anyway).
    /// </summary>
    private Task CheckOriginAsync(SocketIOSocket socket)
    {
        var origin = socket.Handshake.Headers.Origin.ToString();
        if (origin.Length == 0 || SameOrigin(origin, socket.Handshake)) return Task.CompletedTask;
        if (_refusals.Allows()) Log.OriginRefused(_logger, origin.Length <= 100 ? origin : origin[..100] + "…");
        throw new SocketIOConnectException("this dashboard has no sign-in: it answers pages of its own origin only");
    }

    private static bool SameOrigin(string origin, SocketIOHandshake handshake)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)) return false;
        var scheme = handshake.Secure ? "https" : "http";
        var host = handshake.Headers.Host.ToString();
        return from.Scheme == scheme && string.Equals(from.Authority, host, StringComparison.OrdinalIgnoreCase);
    }

    private const string SessionKey = "_admin.session";

    private static string? Text(JsonElement auth, string name) =>
        auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // ---------------------------------------------------------------- the dashboard's own connection

    private async Task OnAdminConnected(SocketIOSocket dashboard)
    {
        // Counted while connected, uncounted once: by its disconnect, or here if it left before this handler ran.
        Interlocked.Increment(ref _dashboards);
        var counted = 1;
        void Uncount()
        {
            if (Interlocked.Exchange(ref counted, 0) == 1) Interlocked.Decrement(ref _dashboards);
        }
        dashboard.On("disconnect", Uncount);
        if (!dashboard.Connected) Uncount();
        if (dashboard.Data.TryRemove(SessionKey, out var session)) dashboard.Emit("session", session);
        if (!_options.ReadOnly) ObeyCommands(dashboard);
        dashboard.Emit("config", new { supportedFeatures = _features });
        if (_development) dashboard.Emit("all_sockets", await AllSocketsAsync().ConfigureAwait(false));
    }

    private async Task<List<object>> AllSocketsAsync()
    {
        var all = new List<object>();
        foreach (var nsp in _io.Namespaces)
        {
            foreach (var socket in await nsp.FetchSocketsAsync().ConfigureAwait(false)) all.Add(Describe(socket, nsp.Name));
        }
        return all;
    }

    /// <summary>The commands (Node's registerFeatureHandlers); each acts on an existing namespace only, never creates one.</summary>
    private void ObeyCommands(SocketIOSocket dashboard)
    {
        dashboard.On("emit", (SocketIOArgs args) =>
        {
            if (Target(args, filterAt: 1) is not { } target || args.Count < 3 || args[2].ValueKind != JsonValueKind.String) return;
            var eventName = args[2].GetString()!;
            if (SocketIOSocket.ReservedEvents.Contains(eventName)) return;
            Log.Command(_logger, "emit " + Clip(eventName), Clip(target.Nsp));
            target.Operator.Emit(eventName, args.Skip(3).Select(a => (object?)a).ToArray());
        });
        dashboard.On("join", (SocketIOArgs args) =>
        {
            if (Target(args, filterAt: 2) is not { } target || Room(args) is not { } room) return;
            Log.Command(_logger, "join " + Clip(room), Clip(target.Nsp));
            target.Operator.SocketsJoin(room);
        });
        dashboard.On("leave", (SocketIOArgs args) =>
        {
            if (Target(args, filterAt: 2) is not { } target || Room(args) is not { } room) return;
            Log.Command(_logger, "leave " + Clip(room), Clip(target.Nsp));
            target.Operator.SocketsLeave(room);
        });
        dashboard.On("_disconnect", (SocketIOArgs args) =>
        {
            if (Target(args, filterAt: 2) is not { } target) return;
            var close = args.Count > 1 && args[1].ValueKind == JsonValueKind.True;
            Log.Command(_logger, close ? "disconnect (close)" : "disconnect", Clip(target.Nsp));
            target.Operator.DisconnectSockets(close);
        });
    }

    /// <summary>The namespace (argument 0) and the optional room or socket id that narrows it (argument <paramref name="filterAt"/>).</summary>
    private (string Nsp, SocketIOBroadcastOperator Operator)? Target(SocketIOArgs args, int filterAt)
    {
        if (args.Count == 0 || args[0].ValueKind != JsonValueKind.String) return null;
        var name = args[0].GetString()!;
        var nsp = _io.Namespaces.FirstOrDefault(n => n.Name == name);
        if (nsp is null) return null;
        var all = new SocketIOBroadcastOperator(nsp.Adapter);
        return args.Count > filterAt && args[filterAt].ValueKind == JsonValueKind.String && args[filterAt].GetString() is { Length: > 0 } filter
            ? (name, all.In(filter))
            : (name, all);
    }

    private static string Clip(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static string? Room(SocketIOArgs args) =>
        args.Count > 1 && args[1].ValueKind == JsonValueKind.String && args[1].GetString() is { Length: > 0 } room ? room : null;

    // ---------------------------------------------------------------- the live view (development mode)

    private void Watch(SocketIONamespace nsp)
    {
        if (!Once(nsp)) return;
        nsp.On("connection", socket =>
        {
            if (_disposed) return;
            if (Watching) _admin.Emit("socket_connected", Describe(socket, nsp.Name), Now());
            socket.Conn.Upgraded += engine =>
            {
                if (Watching) _admin.Emit("socket_updated", new { id = socket.Id, nsp = nsp.Name, transport = engine.Transport });
            };
            if (nsp != _admin)
            {
                socket.OnAny((eventName, args) =>
                {
                    if (Watching) _admin.Emit("event_received", nsp.Name, socket.Id, (object?[])[eventName, .. args.Select(a => (object?)a)], Now());
                });
                socket.OnAnyOutgoing((eventName, args) =>
                {
                    if (Watching) _admin.Emit("event_sent", nsp.Name, socket.Id, (object?[])[eventName, .. args], Now());
                });
            }
            socket.On("disconnect", (string reason) =>
            {
                if (Watching) _admin.Emit("socket_disconnected", nsp.Name, socket.Id, reason, Now());
            });
        });
        if (nsp.Adapter is InMemorySocketIOAdapter rooms)
        {
            rooms.RoomJoined += (room, id) => { if (Watching) _admin.Emit("room_joined", nsp.Name, room, id, Now()); };
            rooms.RoomLeft += (room, id) => { if (Watching) _admin.Emit("room_left", nsp.Name, room, id, Now()); };
        }
    }

    /// <summary>A socket as the dashboard reads it (Node's <c>serialize</c>); a socket of another server has no transport.</summary>
    private static object Describe(ISocketIORemoteSocket socket, string nsp)
    {
        var local = socket as SocketIOSocket;
        var handshake = socket.Handshake;
        var headers = handshake.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        return new
        {
            id = socket.Id,
            clientId = local?.Conn.LogId.TrimEnd('…'), // the session id is a secret: its first characters group the sockets
            transport = local?.Conn.Transport,
            nsp,
            data = socket.Data.Where(d => !d.Key.StartsWith("_admin", StringComparison.Ordinal)).ToDictionary(d => d.Key, d => d.Value),
            handshake = new
            {
                address = headers.GetValueOrDefault("cf-connecting-ip") ?? headers.GetValueOrDefault("x-forwarded-for") ?? handshake.Address,
                headers,
                query = handshake.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                issued = handshake.Issued,
                secure = handshake.Secure,
                time = handshake.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                url = handshake.Url,
                xdomain = handshake.XDomain,
            },
            rooms = socket.Rooms.ToArray(),
        };
    }

    /// <summary>A date as JavaScript's <c>JSON.stringify(new Date())</c> writes it.</summary>
    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- the figures

    private bool Once(object watched)
    {
        lock (_watched) return _watched.TryAdd(watched, watched);
    }

    private void WatchEngine(EngineIOSocket engine)
    {
        if (_disposed || !Once(engine)) return;
        _events.Add("rawConnection");
        engine.Message += (_, message) =>
        {
            if (Watching) _events.AddTraffic(outgoing: false, ByteCount(message));
        };
        engine.MessageQueued += (_, message) =>
        {
            if (Watching) _events.AddTraffic(outgoing: true, ByteCount(message));
        };
        engine.Closed += (_, reason, _) => { if (!_disposed) _events.Add("rawDisconnection", reason.ToNodeString()); };
    }

    private static int ByteCount(EngineMessage message) =>
        message.IsBinary ? message.Data.Length : System.Text.Encoding.UTF8.GetByteCount(message.Text);

    private void EmitStats()
    {
        try
        {
            var engines = _io.Engine.Clients;
            _admin.Emit("server_stats", new
            {
                serverId = ServerId,
                hostname = Environment.MachineName,
                pid = Environment.ProcessId,
                uptime = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds,
                clientsCount = engines.Count,
                pollingClientsCount = engines.Count(e => e.Transport == "polling"),
                aggregatedEvents = _events.TakeAll(),
                namespaces = _io.Namespaces.Select(n => new { name = n.Name, socketsCount = n.Sockets.Count }).ToArray(),
            });
        }
        catch (Exception e)
        {
            Log.StatsFailed(_logger, e);
        }
    }

    /// <summary>
    /// Stops watching: the figures' timer stops, and the server's events are no longer followed (the admin namespace
    /// stays, as every namespace does; the handlers already attached to open sockets return at once).
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _io.Engine.Connection -= WatchEngine;
        _io.NamespaceCreated -= Watch;
        return _statsTimer.DisposeAsync();
    }

    /// <summary>At most 20 refusal lines a minute: a flood of guesses must not become a flood of log.</summary>
    private sealed class RefusalLog(TimeProvider time)
    {
        private long _window;
        private int _count;

        public bool Allows()
        {
            var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
            lock (this)
            {
                if (minute != _window) (_window, _count) = (minute, 0);
                return ++_count <= 20;
            }
        }
    }

    /// <summary>Signed-in dashboards' session ids (Node's InMemoryStore), which expire; bounded in number.</summary>
    private sealed class AdminSessions(TimeProvider time, TimeSpan duration)
    {
        private const int Max = 1_000;
        private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

        public string Create()
        {
            var now = time.GetUtcNow();
            if (_expiries.Count >= Max)
            {
                foreach (var (id, expiry) in _expiries)
                    if (expiry <= now) _expiries.TryRemove(id, out _);
                while (_expiries.Count >= Max && _expiries.Keys.FirstOrDefault() is { } oldest) _expiries.TryRemove(oldest, out _);
            }
            var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _expiries[sessionId] = now + duration;
            return sessionId;
        }

        public bool Exists(string sessionId) => _expiries.TryGetValue(sessionId, out var expiry) && expiry > time.GetUtcNow();
    }
}
