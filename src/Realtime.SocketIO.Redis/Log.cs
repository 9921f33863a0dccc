using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO.Redis;

internal static partial class Log
{
    [LoggerMessage(EventId = 300, EventName = "RedisConnected", Level = LogLevel.Information,
        Message = "Socket.IO Redis adapter connected to {Endpoint}; this server joins the cluster on channels {Key}#…")]
    public static partial void Connected(ILogger logger, string endpoint, string key);

    [LoggerMessage(EventId = 301, EventName = "RedisLost", Level = LogLevel.Warning,
        Message = "Socket.IO Redis adapter lost Redis ({Endpoint}: {Failure}); serving this server's clients only until it returns")]
    public static partial void Lost(ILogger logger, string endpoint, string failure);

    [LoggerMessage(EventId = 302, EventName = "RedisRestored", Level = LogLevel.Information,
        Message = "Socket.IO Redis adapter reached Redis again ({Endpoint}); cluster traffic resumes")]
    public static partial void Restored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 303, EventName = "PublishSkipped", Level = LogLevel.Debug,
        Message = "Namespace {Namespace}: Redis is unreachable, {What} reached this server's sockets only")]
    public static partial void PublishSkipped(ILogger logger, string @namespace, string what);

    [LoggerMessage(EventId = 304, EventName = "MalformedMessage", Level = LogLevel.Debug,
        Message = "Namespace {Namespace}: ignored a malformed message on {Channel} ({Error})")]
    public static partial void Malformed(ILogger logger, string @namespace, string channel, string error);

    [LoggerMessage(EventId = 305, EventName = "MessageFailed", Level = LogLevel.Error,
        Message = "Namespace {Namespace}: handling a message from {Channel} threw")]
    public static partial void MessageFailed(ILogger logger, Exception exception, string @namespace, string channel);

    [LoggerMessage(EventId = 306, EventName = "SubscribeFailed", Level = LogLevel.Warning,
        Message = "Namespace {Namespace}: subscribing to the cluster's channels failed ({Error}); retrying when Redis is back")]
    public static partial void SubscribeFailed(ILogger logger, string @namespace, string error);

    [LoggerMessage(EventId = 307, EventName = "RequestUnsupported", Level = LogLevel.Debug,
        Message = "Namespace {Namespace}: ignored a request of type {Type} (not supported by this adapter)")]
    public static partial void RequestUnsupported(ILogger logger, string @namespace, long type);
}
