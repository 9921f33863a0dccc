namespace Realtime.SocketIO.Protocol;

/// <summary>The Socket.IO v5 packet types (the first character of every packet).</summary>
public enum SocketIOPacketType : byte
{
    /// <summary><c>0</c>: join a namespace (client → server, with an optional auth object); accepted (server → client, <c>{"sid":…}</c>).</summary>
    Connect = 0,
    /// <summary><c>1</c>: leave a namespace.</summary>
    Disconnect = 1,
    /// <summary><c>2</c>: an event: <c>["name", args…]</c>.</summary>
    Event = 2,
    /// <summary><c>3</c>: the answer to an event that asked for an acknowledgement: <c>[args…]</c>.</summary>
    Ack = 3,
    /// <summary><c>4</c>: joining a namespace was refused: <c>{"message":…,"data":…}</c>.</summary>
    ConnectError = 4,
    /// <summary><c>5</c>: an event with binary attachments.</summary>
    BinaryEvent = 5,
    /// <summary><c>6</c>: an acknowledgement with binary attachments.</summary>
    BinaryAck = 6,
}
