using Realtime.SocketIO;

namespace Cors.Api;

/// <summary>
/// An Origin check for every new session (the polling handshake and a WebSocket-only connection alike), through the
/// engine's <c>AllowRequest</c> hook (Node's <c>allowRequest</c>). The workshop's server already refuses WebSockets
/// from origins outside its <c>cors</c> list by itself; this hook also turns away a foreign page's polling handshake
/// before any session exists, and is where a Node app would write the WebSocket check.
/// </summary>
/// <remarks>
/// A browser applies CORS to fetch and to the polling requests, but NOT to a WebSocket: <c>new WebSocket(url)</c>
/// connects from any page, carries that site's cookies, and the page reads every message. Only the server can stop a
/// foreign page (cross-site WebSocket hijacking), by checking the <c>Origin</c> header browsers always send on the
/// WebSocket handshake. A request without <c>Origin</c> is not from a browser page (a console client, curl) and
/// carries no one else's cookies, so it is let through.
/// </remarks>
public static class OriginCheck
{
    public static ValueTask<bool> AllowAsync(HttpContext context, CorsSettings settings)
    {
        string? origin = context.Request.Headers.Origin;
        if (origin is null || settings.IsAllowed(origin))
        {
            return ValueTask.FromResult(true);
        }
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OriginCheck));
        log.LogWarning("Origin {Origin} refused ({Transport}); allowed: {Allowed}",
            origin, context.Request.Query["transport"].ToString(), string.Join(", ", settings.Origins));
        return ValueTask.FromResult(false);                // the engine answers 403 (polling) or 400 (WebSocket)
    }
}
