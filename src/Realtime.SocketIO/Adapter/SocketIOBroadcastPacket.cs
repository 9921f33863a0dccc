using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// An event to broadcast: its name and arguments, and its encoding, made once on first use and then shared by every
/// receiver: <see cref="Encoded"/> (what a multi-server adapter forwards) and <see cref="Messages"/> (the Engine.IO
/// messages sockets are sent: the text message and one binary message per attachment).
/// </summary>
public sealed class SocketIOBroadcastPacket
{
    private readonly SocketIOServer _server;
    private readonly Lock _gate = new();
    private EngineMessage[]? _messages;
    private SocketIOEncodedPacket _encoded;

    /// <summary>An event <paramref name="eventName"/> with <paramref name="args"/> for the sockets of <paramref name="nsp"/>.</summary>
    public SocketIOBroadcastPacket(SocketIONamespace nsp, string eventName, object?[] args) : this(nsp, eventName, args, null)
    {
    }

    /// <summary>As above, asking every receiver to acknowledge it under <paramref name="ackId"/> (a broadcast with acks).</summary>
    public SocketIOBroadcastPacket(SocketIONamespace nsp, string eventName, object?[] args, long? ackId)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        _server = nsp.Server;
        Namespace = nsp.Name;
        EventName = eventName;
        Args = args;
        AckId = ackId;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>The id receivers acknowledge it with; null when no answer is expected.</summary>
    public long? AckId { get; }

    /// <summary>The packet as Socket.IO text and attachments (thread-safe; encoded at most once).</summary>
    public SocketIOEncodedPacket Encoded
    {
        get
        {
            EnsureEncoded();
            return _encoded;
        }
    }

    /// <summary>The encoded packet as Engine.IO messages (thread-safe; encoded at most once).</summary>
    public IReadOnlyList<EngineMessage> Messages => EnsureEncoded();

    private EngineMessage[] EnsureEncoded()
    {
        var messages = Volatile.Read(ref _messages);
        if (messages is not null) return messages;
        lock (_gate)
        {
            if (_messages is null)
            {
                _encoded = SocketIOPacketEncoder.EncodeEvent(Namespace, EventName, (object?[])Args, AckId, _server.Options.JsonSerializerOptions);
                Volatile.Write(ref _messages, SocketIOConnection.ToMessages(_encoded));
                _server.CountEncode();
            }
            return _messages!;
        }
    }
}
