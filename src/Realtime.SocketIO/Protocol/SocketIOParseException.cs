namespace Realtime.SocketIO.Protocol;

/// <summary>
/// A packet broke the Socket.IO protocol (unknown type, bad attachment count, invalid JSON or payload, …).
/// The server answers it as Node does: it closes the whole connection.
/// </summary>
public sealed class SocketIOParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIOParseException(string message, Exception? innerException = null) : base(message, innerException) { }
}
