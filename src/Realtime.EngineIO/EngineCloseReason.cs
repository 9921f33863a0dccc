namespace Realtime.EngineIO;

/// <summary>
/// Why an Engine.IO session ended (<see cref="EngineIOSocket.Closed"/>). Each value has the Node engine.io server's
/// string (<see cref="EngineCloseReasonExtensions.ToNodeString"/>), which logs and the <c>engineio.close.reason</c>
/// metric attribute carry, and which a layer above maps to its own reasons (Socket.IO passes them on unchanged).
/// </summary>
public enum EngineCloseReason
{
    /// <summary>"transport close": the client went away (WebSocket closed, polling <c>close</c> packet, the tab closed).</summary>
    TransportClose,
    /// <summary>"transport error": the transport failed (a broken request, the write buffer full, a frame over the limit).</summary>
    TransportError,
    /// <summary>"ping timeout": no pong within <see cref="EngineIOServerOptions.PingTimeout"/>.</summary>
    PingTimeout,
    /// <summary>"parse error": the client sent something that is not Engine.IO.</summary>
    ParseError,
    /// <summary>"forced close": the server closed the session (<see cref="EngineIOSocket.Close"/>).</summary>
    ForcedClose,
    /// <summary>"server shutting down": the server is stopping (every session is closed).</summary>
    ServerShuttingDown,
}

/// <summary>The Node strings of <see cref="EngineCloseReason"/>.</summary>
public static class EngineCloseReasonExtensions
{
    /// <summary>The Node engine.io server's string for <paramref name="reason"/>: <c>"ping timeout"</c>, ….</summary>
    public static string ToNodeString(this EngineCloseReason reason) => reason switch
    {
        EngineCloseReason.TransportClose => "transport close",
        EngineCloseReason.TransportError => "transport error",
        EngineCloseReason.PingTimeout => "ping timeout",
        EngineCloseReason.ParseError => "parse error",
        EngineCloseReason.ForcedClose => "forced close",
        EngineCloseReason.ServerShuttingDown => "server shutting down",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
