using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// An event to broadcast: its name and arguments (what a multi-server adapter forwards), and its Engine.IO messages,
/// encoded once on first use and then shared by every receiver (the text message and one binary message per attachment).
/// </summary>
public sealed class SocketIOBroadcastPacket
{
    private readonly SocketIOServer _server;
    private readonly Lock _gate = new();
    private EngineMessage[]? _messages;

    internal SocketIOBroadcastPacket(SocketIOServer server, string nsp, string eventName, object?[] args)
    {
        _server = server;
        Namespace = nsp;
        EventName = eventName;
        Args = args;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>The encoded packet (thread-safe; encoded at most once).</summary>
    public IReadOnlyList<EngineMessage> Messages
    {
        get
        {
            var messages = Volatile.Read(ref _messages);
            if (messages is not null) return messages;
            lock (_gate)
            {
                if (_messages is null)
                {
                    var encoded = SocketIOPacketEncoder.EncodeEvent(Namespace, EventName, (object?[])Args, null, _server.Options.JsonSerializerOptions);
                    Volatile.Write(ref _messages, SocketIOConnection.ToMessages(encoded));
                    _server.CountEncode();
                }
                return _messages!;
            }
        }
    }
}
