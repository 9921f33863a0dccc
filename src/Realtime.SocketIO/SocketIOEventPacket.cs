using System.Text.Json;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// An incoming event as a packet middleware sees it (<c>socket.Use((packet, next) =&gt; …)</c>; Node passes the array
/// <c>[event, ...args]</c>): read its name and arguments, rename it, replace its arguments. The handlers then run
/// with what the middleware left.
/// </summary>
public sealed class SocketIOEventPacket
{
    private readonly JsonSerializerOptions _options;
    private SocketIOArgs _args;

    internal SocketIOEventPacket(SocketIOArgs args, JsonSerializerOptions options)
    {
        _args = args;
        _options = options;
    }

    /// <summary>
    /// The event name. Set it to send the event to the handlers of another name (Node: <c>packet[0] = "other"</c>);
    /// reserved names (<see cref="SocketIOSocket.ReservedEvents"/>) are refused, as on the wire.
    /// </summary>
    public string Event
    {
        get => _args.Event;
        set
        {
            SocketIOSocket.CheckEventName(value);
            _args = _args.WithEvent(value);
        }
    }

    /// <summary>The arguments (JSON, attachments, and the client's acknowledgement in <see cref="SocketIOArgs.Ack"/>).</summary>
    public SocketIOArgs Args => _args;

    /// <summary>
    /// The client's acknowledgement callback, or null. A refused event is never answered unless a middleware calls it
    /// (as in Node, where it is the array's last item).
    /// </summary>
    public SocketIOAck? Ack => _args.Ack;

    /// <summary>
    /// Replaces the arguments (the acknowledgement stays): <c>packet.SetArgs(packet.Args.Get&lt;string&gt;(0)!.Trim())</c>.
    /// They are serialized as an emit would (<c>byte[]</c> becomes a binary attachment); <c>packet.Args.ToArray()</c>
    /// gives the current ones to start from.
    /// </summary>
    public void SetArgs(params object?[]? args)
    {
        args ??= [null];
        var attachments = new List<ReadOnlyMemory<byte>>();
        var previous = BinaryScope.BeginCollect(attachments);
        JsonElement array;
        try
        {
            array = JsonSerializer.SerializeToElement(args, _options);
        }
        finally
        {
            BinaryScope.EndCollect(previous);
        }
        _args = new SocketIOArgs(_args.Event, array, 0, attachments, _args.Ack, _options);
    }

    /// <inheritdoc />
    public override string ToString() => _args.ToString();
}
