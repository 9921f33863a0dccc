namespace Realtime.SocketIO;

/// <summary>
/// Thrown (or passed to <c>next</c>) by namespace middleware to refuse a connection, as Node's
/// <c>next(new Error("not authorized"))</c> with <c>err.data</c>. The client receives
/// <c>4[/nsp,]{"message":"…","data":…}</c> (<c>data</c> left out when null) as a <c>connect_error</c>.
/// </summary>
public class SocketIOConnectException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public SocketIOConnectException(string message, object? data = null) : base(message) => Data = data;

    /// <summary>Extra details for the client (any JSON-serializable value), or null.</summary>
    public new object? Data { get; }
}
