namespace Realtime.SocketIO;

public sealed partial class SocketIOSocket
{
    /// <summary>Emits waiting for this client's acknowledgement (the <c>socketio.server.acks.pending</c> gauge).</summary>
    internal int PendingAckCount => System.Threading.Volatile.Read(ref _acks)?.Count ?? 0;
}
