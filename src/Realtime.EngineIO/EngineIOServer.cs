using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Realtime.EngineIO;

/// <summary>
/// An Engine.IO v4 server (Node's engine.io <c>Server</c>): verifies each request under its path, opens sessions
/// over HTTP long-polling or WebSocket, routes later requests to their session, and upgrades polling to WebSocket.
/// </summary>
public sealed class EngineIOServer : IAsyncDisposable
{
    // Server.errors / Server.errorMessages in server.ts
    private const int UnknownTransport = 0, UnknownSid = 1, BadHandshakeMethod = 2, BadRequest = 3, Forbidden = 4, UnsupportedProtocolVersion = 5;
    private static readonly string[] ErrorMessages =
        ["Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request", "Forbidden", "Unsupported protocol version"];

    private readonly ConcurrentDictionary<string, EngineIOSocket> _clients = new(StringComparer.Ordinal);
    private readonly WebSocketMiddleware _webSockets;
    private volatile bool _disposed;

    /// <summary>
    /// Creates a server; MapEngineIO does this for you. Its <c>Realtime.EngineIO</c> meter comes from
    /// <paramref name="meterFactory"/> (AddEngineIO passes the app's), else the server owns one.
    /// <paramref name="services"/> are the application's root services, handed to every session as
    /// <see cref="EngineIOSocket.RequestServices"/>; null hands each session the services of the request that opened it.
    /// </summary>
    public EngineIOServer(EngineIOServerOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null, IServiceProvider? services = null)
    {
        ApplicationServices = services;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        loggerFactory ??= NullLoggerFactory.Instance;
        Logger = loggerFactory.CreateLogger<EngineIOServer>();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Metrics = new EngineIOMetrics(meterFactory);
        // Accepts the WebSocket upgrades of the requests this server handles (the app's UseWebSockets, which
        // AddEngineIO adds, has already checked the origin), so that the WebSocket is built on a WebSocketFrameStream.
        // Engine.IO has its own heartbeat, so no WebSocket keep-alive pings.
        _webSockets = new WebSocketMiddleware(HandleCoreAsync,
            Microsoft.Extensions.Options.Options.Create(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }), loggerFactory);
    }

    /// <summary>The options.</summary>
    public EngineIOServerOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>The transport layer's instruments (README, "Metrics").</summary>
    internal EngineIOMetrics Metrics { get; }

    /// <summary>The root services given to sessions (the constructor's); null uses the opening request's.</summary>
    internal IServiceProvider? ApplicationServices { get; }

    /// <summary>Raised after the handshake packet is queued, before any client message is processed.</summary>
    public event Action<EngineIOSocket>? Connection;

    /// <summary>The number of open sessions.</summary>
    public int ClientsCount => _clients.Count;

    /// <summary>The open sessions (a snapshot).</summary>
    public IReadOnlyCollection<EngineIOSocket> Clients => _clients.Values.ToArray();

    internal void RemoveClient(EngineIOSocket socket) => _clients.TryRemove(new KeyValuePair<string, EngineIOSocket>(socket.Id, socket));

    /// <summary>Handles one HTTP request under the path (polling GET/POST, OPTIONS preflight, WebSocket upgrade).</summary>
    public Task HandleRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A WebSocket handshake runs through our own WebSocket middleware, over a stand-in for the upgrade features:
        // the WebSocket it builds sits on a WebSocketFrameStream, which lets the transport write frames in bursts.
        // (This also makes upgrades work without UseWebSockets in the pipeline.)
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        if (upgrade?.IsUpgradableRequest == true || connect?.IsExtendedConnect == true)
        {
            var frames = new WebSocketFrameStreamFeature(upgrade, connect);
            if (upgrade is not null) context.Features.Set<IHttpUpgradeFeature>(frames);
            if (connect is not null) context.Features.Set<IHttpExtendedConnectFeature>(frames);
            // The app's UseWebSockets (which ran first, with its origin check) built its feature on the server's
            // upgrade feature, and the middleware never replaces one: drop it so ours is built on the stand-in.
            context.Features.Set<IHttpWebSocketFeature>(null);
            return _webSockets.Invoke(context);
        }
        // Servers with a WebSocket feature of their own (TestServer) keep it; without one, nothing upgrades.
        return context.Features.Get<IHttpWebSocketFeature>() is null ? _webSockets.Invoke(context) : HandleCoreAsync(context);
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var isWebSocket = context.WebSockets.IsWebSocketRequest;

        // The cors middleware runs first in Node: its headers go on every answer, the 101 included.
        if (Options.Cors is { } cors)
        {
            EngineCors.Apply(cors, request, context.Response.Headers, HttpMethods.IsOptions(request.Method));
            if (HttpMethods.IsOptions(request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.ContentLength = 0;
                return;
            }
        }

        var query = request.Query;
        string? transport = query["transport"];
        string? sid = query["sid"];
        var isV4 = query["EIO"] == "4";

        // server.ts verify()
        if (transport is not ("polling" or "websocket") || !Options.Transports.Contains(transport))
        {
            await RejectAsync(context, UnknownTransport, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (HasInvalidHeaderChar(request.Headers.Origin) || (isWebSocket && transport != "websocket"))
        {
            await RejectAsync(context, BadRequest, isWebSocket).ConfigureAwait(false);
            return;
        }
        // A browser opens a WebSocket to any origin without asking (CORS does not apply to it), carrying the user's
        // cookies: with a cors option that names origins, a WebSocket from another origin is refused, upgrade or not.
        // (Node's engine.io leaves this to allowRequest; a request without an Origin header is not from a browser page.)
        if (isWebSocket && Options.Cors is { } allowed && request.Headers.Origin is { Count: > 0 } origins
            && !origins.All(origin => origin is not null && allowed.IsOriginAllowed(origin)))
        {
            Log.WebSocketOriginRefused(Logger, origins.ToString());
            await RejectAsync(context, Forbidden, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (!string.IsNullOrEmpty(sid))
        {
            // A session whose pong is overdue is over, even if its timeout timer has not fired yet.
            if (!_clients.TryGetValue(sid, out var socket) || socket.ExpireIfPingTimedOut())
            {
                await RejectAsync(context, UnknownSid, isWebSocket).ConfigureAwait(false);
                return;
            }
            // Polling after an upgrade (or websocket without one) is a transport mismatch; so is another version.
            if ((!isWebSocket && socket.Transport != transport) || !isV4)
            {
                await RejectAsync(context, BadRequest, isWebSocket).ConfigureAwait(false);
                return;
            }
            if (isWebSocket) await UpgradeAsync(context, socket).ConfigureAwait(false);
            else if (socket.CurrentTransport is PollingTransport polling) await polling.HandleRequestAsync(context).ConfigureAwait(false);
            else await RejectAsync(context, BadRequest, isWebSocket).ConfigureAwait(false);
            return;
        }

        // A new session: GET only, a real upgrade for websocket, and the application's allowRequest. (A WebSocket over
        // HTTP/2 opens with an extended CONNECT, RFC 8441: browsers use it when the connection is already HTTP/2.)
        if (!HttpMethods.IsGet(request.Method) && !(isWebSocket && HttpMethods.IsConnect(request.Method)))
        {
            await RejectAsync(context, BadHandshakeMethod, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (transport == "websocket" && !isWebSocket)
        {
            await RejectAsync(context, BadRequest, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (Options.AllowRequest is { } allowRequest && !await allowRequest(context).ConfigureAwait(false))
        {
            await RejectAsync(context, Forbidden, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (!isV4)
        {
            // EIO=3 clients are not supported (Node: allowEIO3 false by default).
            await RejectAsync(context, UnsupportedProtocolVersion, isWebSocket).ConfigureAwait(false);
            return;
        }
        if (_disposed)
        {
            await RejectAsync(context, BadRequest, isWebSocket).ConfigureAwait(false);
            return;
        }
        await HandshakeAsync(context, transport).ConfigureAwait(false);
    }

    /// <summary>server.ts handshake(): a new session on the request's transport.</summary>
    private async Task HandshakeAsync(HttpContext context, string transportName)
    {
        var id = NewId();
        var handshake = new EngineHandshake(context, TimeProvider.GetUtcNow());
        var socket = new EngineIOSocket(this, id, handshake, ApplicationServices ?? context.RequestServices);

        if (transportName == "polling")
        {
            var polling = new PollingTransport(socket, this);
            socket.Open(polling);
            _clients[id] = socket;
            Log.ConnectionOpened(Logger, id, "polling");
            // The handshake GET takes the open packet, then the application hears about the session.
            await polling.HandleRequestAsync(context, () => RaiseConnection(socket)).ConfigureAwait(false);
            return;
        }

        WebSocket webSocket;
        try
        {
            webSocket = await AcceptAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or WebSocketException or InvalidOperationException)
        {
            return;
        }
        var ws = new WebSocketTransport(socket, this, webSocket, FrameStreamOf(context));
        socket.Open(ws);
        _clients[id] = socket;
        Log.ConnectionOpened(Logger, id, "websocket");
        RaiseConnection(socket);
        await ws.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>server.ts onWebSocket() with a sid: probe the new WebSocket, or close it if it cannot join.</summary>
    private async Task UpgradeAsync(HttpContext context, EngineIOSocket socket)
    {
        WebSocket webSocket;
        try
        {
            webSocket = await AcceptAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or WebSocketException or InvalidOperationException)
        {
            return;
        }
        var probe = new WebSocketTransport(socket, this, webSocket, FrameStreamOf(context));
        if (!socket.TryBeginUpgrade(probe))
        {
            // Already upgraded, upgrading, or closed: Node accepts the WebSocket and closes it at once.
            Log.UpgradeFailed(Logger, socket.Id, "duplicate or late upgrade");
            await probe.RejectAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await probe.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The stream the WebSocket was built on, if the handshake went through our stand-in features.</summary>
    private static WebSocketFrameStream? FrameStreamOf(HttpContext context) =>
        (context.Features.Get<IHttpUpgradeFeature>() as WebSocketFrameStreamFeature)?.Stream
        ?? (context.Features.Get<IHttpExtendedConnectFeature>() as WebSocketFrameStreamFeature)?.Stream;

    private static Task<WebSocket> AcceptAsync(HttpContext context) =>
        context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero, DangerousEnableCompression = false });

    private void RaiseConnection(EngineIOSocket socket)
    {
        EventRaiser.Raise(Connection, socket, static (handler, s) => handler(s), Logger, socket.LogId, "Connection");
    }

    /// <summary>
    /// server.ts abortRequest: 400 (403 for Forbidden) with <c>{"code":N,"message":"..."}</c>. A rejected WebSocket
    /// upgrade gets abortUpgrade's plain 400 with the message as text/html, and the connection closes.
    /// </summary>
    private Task RejectAsync(HttpContext context, int code, bool isWebSocket)
    {
        var message = ErrorMessages[code];
        Metrics.Error(EngineIOMetrics.RequestErrorKinds[code]);
        Log.RequestRejected(Logger, context.Request.Method, context.Request.Path + context.Request.QueryString, code, message);
        var response = context.Response;
        if (isWebSocket)
        {
            response.Headers.Clear();
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/html";
            response.Headers.Connection = "close";
            var text = Encoding.UTF8.GetBytes(message);
            response.ContentLength = text.Length;
            return response.Body.WriteAsync(text, 0, text.Length);
        }
        response.StatusCode = code == Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        var body = Encoding.UTF8.GetBytes($"{{\"code\":{code},\"message\":\"{message}\"}}");
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    /// <summary>A session id like Node's base64id: 15 random bytes as 20 URL-safe base64 characters.</summary>
    private string NewId()
    {
        Span<byte> bytes = stackalloc byte[15];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var id = Base64Url.EncodeToString(bytes);
            if (!_clients.ContainsKey(id)) return id;
        }
    }

    /// <summary>Node rejects an Origin header with control characters (checkInvalidHeaderChar).</summary>
    private static bool HasInvalidHeaderChar(string? value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        foreach (var c in value)
        {
            if ((c < 32 && c != '\t') || c == 127 || c > 255) return true;
        }
        return false;
    }

    internal static string FormatCookie(EngineCookieOptions cookie, string sid, bool isHttps)
    {
        var builder = new StringBuilder().Append(cookie.Name).Append('=').Append(sid);
        if (!string.IsNullOrEmpty(cookie.Path)) builder.Append("; Path=").Append(cookie.Path);
        if (cookie.HttpOnly) builder.Append("; HttpOnly");
        if (cookie.Secure ?? isHttps) builder.Append("; Secure");
        if (!string.IsNullOrEmpty(cookie.SameSite)) builder.Append("; SameSite=").Append(cookie.SameSite);
        return builder.ToString();
    }

    /// <summary>Closes every session ("server shutting down").</summary>
    public ValueTask DisposeAsync()
    {
        CloseAllSessions();
        Metrics.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Refuses new sessions and closes every session ("server shutting down"); synchronous.</summary>
    internal void CloseAllSessions()
    {
        _disposed = true;
        foreach (var socket in _clients.Values) socket.OnClose(EngineCloseReason.ServerShuttingDown);
    }
}
