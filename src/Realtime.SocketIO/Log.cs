using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO;

/// <summary>
/// The library's log events (category <c>Realtime.SocketIO.SocketIOServer</c>). Lines a client can cause at will go
/// through the connection's <see cref="ClientLog"/> (text clipped, lines per minute limited), and are Debug unless they
/// show a fault on the server's side (a handler or middleware that threw, a handler skipped). Only Debug lines carry the
/// Engine.IO session id whole ({Sid}); lines above Debug name the connection by its first characters ({Session},
/// <see cref="Realtime.EngineIO.EngineIOSocket.LogId"/>), because the id is a bearer secret while a session polls.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "SocketConnected", Level = LogLevel.Debug,
        Message = "Socket {SocketId} joined namespace {Namespace} (connection {Sid})")]
    public static partial void SocketConnected(ILogger logger, string @namespace, string socketId, string sid);

    [LoggerMessage(EventId = 102, EventName = "SocketDisconnected", Level = LogLevel.Debug,
        Message = "Socket {SocketId} left namespace {Namespace}: {Reason}")]
    public static partial void SocketDisconnected(ILogger logger, string @namespace, string socketId, string reason);

    [LoggerMessage(EventId = 103, EventName = "ConnectionRefused", Level = LogLevel.Information,
        Message = "Connection {Session} refused in namespace {Namespace}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string @namespace, string session, string reason);

    [LoggerMessage(EventId = 113, EventName = "MiddlewareFailed", Level = LogLevel.Error,
        Message = "Connection {Session} refused in namespace {Namespace}: a middleware threw (the client reads \"Server error\")")]
    public static partial void MiddlewareFailed(ILogger logger, Exception exception, string @namespace, string session);

    [LoggerMessage(EventId = 104, EventName = "InvalidNamespace", Level = LogLevel.Debug,
        Message = "Connection {Sid} asked for unknown namespace {Namespace}")]
    public static partial void InvalidNamespace(ILogger logger, string @namespace, string sid);

    [LoggerMessage(EventId = 105, EventName = "ParseError", Level = LogLevel.Debug,
        Message = "Connection {Sid} sent an invalid packet, closing it: {Error}")]
    public static partial void ParseError(ILogger logger, string sid, string error);

    [LoggerMessage(EventId = 106, EventName = "ProtocolViolation", Level = LogLevel.Debug,
        Message = "Connection {Sid} sent {PacketType} for namespace {Namespace}, which it has {State}; closing it")]
    public static partial void ProtocolViolation(ILogger logger, string sid, string packetType, string @namespace, string state);

    [LoggerMessage(EventId = 107, EventName = "ConnectTimeout", Level = LogLevel.Debug,
        Message = "Connection {Sid} joined no namespace within the connect timeout; closing it")]
    public static partial void ConnectTimeout(ILogger logger, string sid);

    [LoggerMessage(EventId = 108, EventName = "HandlerFailed", Level = LogLevel.Error,
        Message = "The {Event} handler of socket {SocketId} in namespace {Namespace} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string @event, string socketId, string @namespace);

    [LoggerMessage(EventId = 109, EventName = "ArgumentsInvalid", Level = LogLevel.Warning,
        Message = "Event {Event} on socket {SocketId}: the arguments do not fit the handler ({Error}); handler skipped")]
    public static partial void ArgumentsInvalid(ILogger logger, string @event, string socketId, string error);

    [LoggerMessage(EventId = 110, EventName = "UnknownAck", Level = LogLevel.Debug,
        Message = "Socket {SocketId} acknowledged unknown or expired id {AckId}")]
    public static partial void UnknownAck(ILogger logger, string socketId, long ackId);

    [LoggerMessage(EventId = 111, EventName = "CloseFailed", Level = LogLevel.Error,
        Message = "Socket {SocketId}: closing it threw; it was removed from its namespace anyway")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string socketId);

    [LoggerMessage(EventId = 112, EventName = "EmitDropped", Level = LogLevel.Debug,
        Message = "Emit of {Event} to socket {SocketId} dropped: the socket is disconnected")]
    public static partial void EmitDropped(ILogger logger, string @event, string socketId);

    [LoggerMessage(EventId = 114, EventName = "ServerSideHandlerFailed", Level = LogLevel.Error,
        Message = "The server-side {Event} handler of namespace {Namespace} threw")]
    public static partial void ServerSideHandlerFailed(ILogger logger, Exception exception, string @event, string @namespace);

    [LoggerMessage(EventId = 115, EventName = "AttachmentsTooLarge", Level = LogLevel.Information,
        Message = "Connection {Session} sent binary attachments over {Limit} bytes for one packet (MaxAttachmentBytes); closing it")]
    public static partial void AttachmentsTooLarge(ILogger logger, string session, long limit);

    [LoggerMessage(EventId = 116, EventName = "AttachmentsTimeout", Level = LogLevel.Information,
        Message = "Connection {Session} did not send the binary attachments of a packet within {Timeout} (AttachmentTimeout); closing it")]
    public static partial void AttachmentsTimeout(ILogger logger, string session, TimeSpan timeout);

    [LoggerMessage(EventId = 117, EventName = "ClientLogSuppressed", Level = LogLevel.Information,
        Message = "Connection {Session} caused {Limit} log lines this minute (ClientLogLinesPerMinute); its next ones this minute are not logged")]
    public static partial void ClientLogSuppressed(ILogger logger, string session, int limit);

    [LoggerMessage(EventId = 130, EventName = "PacketRefused", Level = LogLevel.Debug,
        Message = "Socket {SocketId}: a packet middleware refused {Event} ({Error}) and no \"error\" handler listens; dropped")]
    public static partial void PacketRefused(ILogger logger, string socketId, string @event, string error);

    [LoggerMessage(EventId = 131, EventName = "ChildNamespaceRemoved", Level = LogLevel.Debug,
        Message = "Namespace {Namespace} removed: its last socket left (CleanupEmptyChildNamespaces)")]
    public static partial void ChildNamespaceRemoved(ILogger logger, string @namespace);
}
