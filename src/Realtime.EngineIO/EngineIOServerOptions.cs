using Microsoft.AspNetCore.Http;

namespace Realtime.EngineIO;

/// <summary>
/// Options of an Engine.IO server. Every default matches Node's engine.io 6.6 (<c>server.ts</c>).
/// Socket.IO's options class derives from this one.
/// </summary>
public class EngineIOServerOptions
{
    /// <summary>Node <c>path</c>, default <c>/engine.io</c>. The MapEngineIO/MapSocketIO argument overrides it.</summary>
    public string Path { get; set; } = "/engine.io";

    /// <summary>Node <c>pingInterval</c>, default 25 s: the server sends a ping this long after the last pong.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMilliseconds(25000);

    /// <summary>Node <c>pingTimeout</c>, default 20 s: without a pong within this time the session closes ("ping timeout").</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromMilliseconds(20000);

    /// <summary>Node <c>upgradeTimeout</c>, default 10 s: a WebSocket probe must finish the upgrade within this time.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromMilliseconds(10000);

    /// <summary>Node <c>maxHttpBufferSize</c>, default 1e6 bytes: the largest POST body or WebSocket message. Also sent as <c>maxPayload</c>.</summary>
    public long MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>
    /// Not in Node: the most bytes of memory that may wait for one client (a text message counts its UTF-16 string
    /// and its UTF-8 frame, about 3 bytes per ASCII character; a binary one its bytes), queued behind a
    /// write that waits for the client to read (or, on polling, for its next GET). Beyond it the session closes with
    /// "transport error" ("write buffer full") and its queue is dropped, instead of growing until the ping timeout
    /// notices. A burst larger than this can disconnect even a fast client. Default 16 MiB; 0 = no limit (Node).
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Not in Node (python-engineio has such a cap): the most packets one polling POST may carry. Each is handled in
    /// turn, so one request could otherwise make the server run its handlers any number of times (20 000 were). Past
    /// it the POST gets 400, none of its packets is handled, and the session closes with "parse error". A client
    /// queues what it sends while a POST is under way, so a burst of more than this many messages sent faster than
    /// one round trip disconnects it. Default 1000; 0 = no limit (Node).
    /// </summary>
    public int MaxPayloadPackets { get; set; } = 1000;

    /// <summary>
    /// Not in Node's engine.io (<c>ws</c> 8.21 caps fragments too): the most pieces one WebSocket message may arrive
    /// in. Past it the WebSocket closes with 1008 (policy violation) and the session with "transport error". .NET's
    /// WebSocket does not expose frame boundaries, so the server counts the reads that deliver less than 1 KiB of a
    /// message before its end (an empty or one-byte continuation frame is one each; the network-sized pieces of a
    /// large message are not counted). Default 1000; 0 = no limit.
    /// </summary>
    public int MaxFragmentsPerMessage { get; set; } = 1000;

    /// <summary>Node <c>transports</c>, default <c>["polling", "websocket"]</c>: the transports a client may use.</summary>
    public IList<string> Transports { get; set; } = ["polling", "websocket"];

    /// <summary>Node <c>allowUpgrades</c>, default true: polling sessions may upgrade to websocket.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>Node <c>cors</c>, default unset: null sends no CORS headers and answers OPTIONS with 400.</summary>
    public EngineCorsOptions? Cors { get; set; }

    /// <summary>Node <c>allowRequest</c>, default unset: returning false answers 403 <c>{"code":4,"message":"Forbidden"}</c>.</summary>
    public Func<HttpContext, ValueTask<bool>>? AllowRequest { get; set; }

    /// <summary>Node <c>cookie</c>, default unset: when set, the handshake response sets a cookie holding the sid.</summary>
    public EngineCookieOptions? Cookie { get; set; }
}

/// <summary>CORS options, shaped like the <c>cors</c> npm package that Node's engine.io uses.</summary>
public sealed class EngineCorsOptions
{
    /// <summary>Allowed origins; <c>"*"</c> allows any origin (and sends <c>Access-Control-Allow-Origin: *</c>).</summary>
    public IList<string> Origins { get; set; } = [];

    /// <summary>Alternative to <see cref="Origins"/>: decides per request origin; the allowed origin is echoed.</summary>
    public Func<string, bool>? OriginPredicate { get; set; }

    /// <summary>Sends <c>Access-Control-Allow-Credentials: true</c>.</summary>
    public bool Credentials { get; set; }

    /// <summary>Methods announced to a preflight (the cors package's default list).</summary>
    public IList<string> Methods { get; set; } = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

    /// <summary>Headers announced to a preflight; null echoes the request's <c>Access-Control-Request-Headers</c>.</summary>
    public IList<string>? AllowedHeaders { get; set; }

    /// <summary>Headers sent in <c>Access-Control-Expose-Headers</c>.</summary>
    public IList<string>? ExposedHeaders { get; set; }

    /// <summary>Preflight cache time (<c>Access-Control-Max-Age</c>).</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>
    /// Whether a request from <paramref name="origin"/> is allowed: any origin when <see cref="Origins"/> is empty or
    /// <c>"*"</c>, else the predicate or the list (exact, case-sensitive: an origin is scheme + host + port).
    /// The server uses it to refuse WebSocket handshakes from other origins, which CORS headers cannot protect.
    /// </summary>
    public bool IsOriginAllowed(string origin) =>
        OriginPredicate?.Invoke(origin) ?? (Origins.Count == 0 || Origins.Contains("*") || Origins.Contains(origin));

    /// <summary>
    /// Writes these CORS headers to <paramref name="response"/> as the Engine.IO endpoint does (the <c>cors</c> npm
    /// middleware's rules), for a resource served beside it, such as Socket.IO's client bundle.
    /// <paramref name="preflight"/> adds the preflight headers (methods, allowed headers, max age).
    /// </summary>
    public void WriteHeaders(HttpRequest request, HttpResponse response, bool preflight = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        EngineCors.Apply(this, request, response.Headers, preflight);
    }

    /// <summary>Any origin: <c>cors: { origin: "*" }</c>.</summary>
    public static EngineCorsOptions AnyOrigin() => new() { Origins = ["*"] };

    /// <summary>Only these origins, echoed back with <c>Vary: Origin</c>.</summary>
    public static EngineCorsOptions WithOrigins(params string[] origins) => new() { Origins = [.. origins] };
}

/// <summary>The optional cookie that carries the sid (Node <c>cookie</c> option; default name <c>io</c>).</summary>
public sealed class EngineCookieOptions
{
    /// <summary>Cookie name, default <c>io</c>.</summary>
    public string Name { get; set; } = "io";

    /// <summary>Cookie path, default <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>HttpOnly flag, default true.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>
    /// SameSite attribute (<c>Strict</c>, <c>Lax</c>, <c>None</c>), default <c>Lax</c>; null or empty sends none.
    /// Browsers accept <c>None</c> only with <see cref="Secure"/>.
    /// </summary>
    public string? SameSite { get; set; } = "Lax";

    /// <summary>
    /// Secure flag: the browser sends the cookie back over HTTPS only. Default null: Secure when the handshake came
    /// over HTTPS (<c>Request.IsHttps</c>; behind a TLS-terminating proxy, use ASP.NET Core's forwarded headers so it
    /// is). The cookie carries the session id, which works as a bearer secret while the session polls.
    /// </summary>
    public bool? Secure { get; set; }
}
