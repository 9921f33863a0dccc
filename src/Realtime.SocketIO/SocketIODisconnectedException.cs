namespace Realtime.SocketIO;

/// <summary>The socket disconnected before an acknowledgement arrived (or before the emit).</summary>
public sealed class SocketIODisconnectedException(string message) : Exception(message);
