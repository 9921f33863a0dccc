using Microsoft.Extensions.Logging;

namespace Realtime.EngineIO;

/// <summary>The library's log events (category <c>Realtime.EngineIO.EngineIOServer</c>).</summary>
/// <remarks>
/// The session id is a bearer secret while a session polls, so only Debug lines carry it whole; lines at Information and
/// above name a session by <see cref="EngineIOSocket.LogId"/>, its first six characters.
/// </remarks>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ConnectionOpened", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid} opened over {Transport}")]
    public static partial void ConnectionOpened(ILogger logger, string sid, string transport);

    [LoggerMessage(EventId = 2, EventName = "ConnectionClosed", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid} closed: {Reason}{Detail}")]
    private static partial void ConnectionClosedCore(ILogger logger, string sid, string reason, string detail);

    public static void ConnectionClosed(ILogger logger, string sid, string reason, string? description) =>
        ConnectionClosedCore(logger, sid, reason, description is null ? "" : $" ({description})");

    [LoggerMessage(EventId = 3, EventName = "Upgraded", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid} upgraded to websocket")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(EventId = 4, EventName = "UpgradeFailed", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: upgrade abandoned ({Why})")]
    public static partial void UpgradeFailed(ILogger logger, string sid, string why);

    [LoggerMessage(EventId = 5, EventName = "RequestRejected", Level = LogLevel.Debug,
        Message = "Engine.IO request {Method} {Url} rejected: {Code} {ErrorMessage}")]
    public static partial void RequestRejected(ILogger logger, string method, string url, int code, string errorMessage);

    [LoggerMessage(EventId = 6, EventName = "TransportError", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: {Transport} transport error: {Error}")]
    public static partial void TransportError(ILogger logger, string sid, string transport, string error);

    [LoggerMessage(EventId = 7, EventName = "HandlerFailed", Level = LogLevel.Error,
        Message = "Engine.IO session {Session}: the {EventName} handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string? session, string eventName);

    [LoggerMessage(EventId = 8, EventName = "PayloadTooLarge", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: {Transport} payload over maxHttpBufferSize ({Limit} bytes)")]
    public static partial void PayloadTooLarge(ILogger logger, string sid, string transport, long limit);

    [LoggerMessage(EventId = 9, EventName = "WebSocketOriginRefused", Level = LogLevel.Warning,
        Message = "WebSocket from {Origin} refused: that origin is not in the cors origins")]
    public static partial void WebSocketOriginRefused(ILogger logger, string origin);

    [LoggerMessage(EventId = 10, EventName = "WriteBufferFull", Level = LogLevel.Warning,
        Message = "Engine.IO session {Session}: more than {Limit} bytes wait for a client that does not read them; closing it")]
    public static partial void WriteBufferFull(ILogger logger, string session, long limit);

    [LoggerMessage(EventId = 11, EventName = "AcceptFailing", Level = LogLevel.Warning,
        Message = "Cannot accept connections on {EndPoint}: {Error} (out of file descriptors?). Refusing new connections and serving the open ones until it passes")]
    public static partial void AcceptFailing(ILogger logger, string endPoint, System.Net.Sockets.SocketError error);

    [LoggerMessage(EventId = 12, EventName = "AcceptRecovered", Level = LogLevel.Information,
        Message = "Accepting connections on {EndPoint} again; {Refused} were refused meanwhile")]
    public static partial void AcceptRecovered(ILogger logger, string endPoint, long refused);

    [LoggerMessage(EventId = 13, EventName = "PostBodyIncomplete", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: a polling POST's body did not arrive whole ({Received} of {Declared} bytes: {Error}); its packets are dropped, answered {Status}")]
    public static partial void PostBodyIncomplete(ILogger logger, string sid, int received, long? declared, int status, string error);

    [LoggerMessage(EventId = 14, EventName = "TooManyPackets", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: a polling payload of {Count} packets, over MaxPayloadPackets ({Limit}); refused")]
    public static partial void TooManyPackets(ILogger logger, string sid, int count, int limit);

    [LoggerMessage(EventId = 15, EventName = "TooManyFragments", Level = LogLevel.Debug,
        Message = "Engine.IO session {Sid}: a WebSocket message in more than {Limit} fragments; closing with 1008")]
    public static partial void TooManyFragments(ILogger logger, string sid, int limit);

    // Trace: the moments of the polling exchange, for following one session's requests (and what tests wait on).
    [LoggerMessage(EventId = 16, EventName = "PollWaiting", Level = LogLevel.Trace,
        Message = "Engine.IO session {Sid}: a polling GET waits for packets")]
    public static partial void PollWaiting(ILogger logger, string sid);

    [LoggerMessage(EventId = 17, EventName = "PostReading", Level = LogLevel.Trace,
        Message = "Engine.IO session {Sid}: reading a polling POST's body")]
    public static partial void PostReading(ILogger logger, string sid);

    [LoggerMessage(EventId = 18, EventName = "PostAnswered", Level = LogLevel.Trace,
        Message = "Engine.IO session {Sid}: a polling POST answered \"ok\"")]
    public static partial void PostAnswered(ILogger logger, string sid);
}
