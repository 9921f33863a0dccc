using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Realtime.SignalR.WebSockets;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Connecting to {Url} over WebSocket (negotiation skipped).", EventName = "Connecting")]
    public static partial void Connecting(ILogger logger, Uri url);

    [LoggerMessage(2, LogLevel.Debug, "Connected to {Url}.", EventName = "Connected")]
    public static partial void Connected(ILogger logger, Uri url);

    [LoggerMessage(3, LogLevel.Debug, "WebSocket closed (status {Status}, \"{Description}\").", EventName = "Closed")]
    public static partial void Closed(ILogger logger, WebSocketCloseStatus? status, string? description);

    [LoggerMessage(4, LogLevel.Warning, "The server did not answer the close frame within {Timeout}; aborting the socket.", EventName = "CloseTimedOut")]
    public static partial void CloseTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Debug, "Receiving from the WebSocket failed.", EventName = "ReceiveFailed")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Sending to the WebSocket failed.", EventName = "SendFailed")]
    public static partial void SendFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "Connection aborted: {Reason}", EventName = "Aborted")]
    public static partial void Aborted(ILogger logger, string reason);
}
