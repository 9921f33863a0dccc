using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO.AdminUI;

/// <summary>The admin dashboard's log events (category <c>Realtime.SocketIO.AdminUI.SocketIOAdmin</c>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, EventName = "Instrumented", Level = LogLevel.Information,
        Message = "Socket.IO admin namespace {Namespace}: sign-in {Auth}, mode {Mode}, read-only {ReadOnly}")]
    public static partial void Instrumented(ILogger logger, string @namespace, string auth, SocketIOAdminMode mode, bool readOnly);

    [LoggerMessage(EventId = 401, EventName = "AuthDisabled", Level = LogLevel.Warning,
        Message = "The Socket.IO admin dashboard has no sign-in: anyone who reaches this server can watch its sockets and act on them")]
    public static partial void AuthDisabled(ILogger logger);

    [LoggerMessage(EventId = 402, EventName = "SignInRefused", Level = LogLevel.Information,
        Message = "Socket.IO admin sign-in refused from {Address}: invalid credentials")]
    public static partial void SignInRefused(ILogger logger, string address);

    [LoggerMessage(EventId = 405, EventName = "OriginRefused", Level = LogLevel.Information,
        Message = "Socket.IO admin dashboard (no sign-in) refused a page of origin {Origin}")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(EventId = 403, EventName = "Command", Level = LogLevel.Information,
        Message = "Socket.IO admin: {Command} in namespace {Namespace}")]
    public static partial void Command(ILogger logger, string command, string @namespace);

    [LoggerMessage(EventId = 404, EventName = "StatsFailed", Level = LogLevel.Error,
        Message = "Socket.IO admin: the server figures could not be sent")]
    public static partial void StatsFailed(ILogger logger, Exception exception);
}
