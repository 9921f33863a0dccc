namespace Realtime.SocketIO;

/// <summary>
/// The acknowledgement callback of an event (the last argument of a Node handler, <c>(data, callback) =&gt; callback(result)</c>).
/// Calling it sends the arguments back to the client; only the first call counts; a no-op when the client asked for none.
/// </summary>
public delegate void SocketIOAck(params object?[]? args);
