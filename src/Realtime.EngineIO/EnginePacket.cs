namespace Realtime.EngineIO;

/// <summary>Engine.IO v4 packet types; the number is the character on the wire.</summary>
public enum EnginePacketType
{
    /// <summary><c>0</c>: the handshake, sent by the server with the session JSON.</summary>
    Open = 0,
    /// <summary><c>1</c>: the session is over.</summary>
    Close = 1,
    /// <summary><c>2</c>: heartbeat sent by the server (and <c>2probe</c> by a client testing a WebSocket).</summary>
    Ping = 2,
    /// <summary><c>3</c>: heartbeat answer (and <c>3probe</c> from the server).</summary>
    Pong = 3,
    /// <summary><c>4</c>: application data, text or binary.</summary>
    Message = 4,
    /// <summary><c>5</c>: the client switches to the WebSocket it probed.</summary>
    Upgrade = 5,
    /// <summary><c>6</c>: nothing; ends a pending long-poll.</summary>
    Noop = 6,
}

/// <summary>One Engine.IO packet: a type and either a short text (<c>probe</c>, handshake JSON) or a message.</summary>
public readonly struct EnginePacket : IEquatable<EnginePacket>
{
    private EnginePacket(EnginePacketType type, string data, EngineMessage? message)
    {
        Type = type;
        Data = data;
        Message = message;
    }

    /// <summary>The packet type.</summary>
    public EnginePacketType Type { get; }

    /// <summary>The text after the type character for non-message packets ("" when none).</summary>
    public string Data { get; }

    /// <summary>The message of a <see cref="EnginePacketType.Message"/> packet, else null.</summary>
    public EngineMessage? Message { get; }

    /// <summary>A non-message packet such as <c>2</c> or <c>3probe</c>.</summary>
    public static EnginePacket Control(EnginePacketType type, string data = "")
    {
        if (type == EnginePacketType.Message) throw new ArgumentException("Use EnginePacket.FromMessage for messages.", nameof(type));
        return new(type, data ?? "", null);
    }

    /// <summary>A message packet.</summary>
    public static EnginePacket FromMessage(EngineMessage message) =>
        new(EnginePacketType.Message, "", message ?? throw new ArgumentNullException(nameof(message)));

    /// <summary>
    /// The bytes this packet holds while it waits (see <see cref="EngineMessage.HeldBytes"/>), for the write-buffer
    /// limit. The same for every call, so a queue can add it and later take it away.
    /// </summary>
    internal long Size => Message?.HeldBytes ?? 2L * (1 + (Data?.Length ?? 0));

    /// <inheritdoc />
    public bool Equals(EnginePacket other)
    {
        if (Type != other.Type) return false;
        if (Message is null || other.Message is null) return Message is null && other.Message is null && Data == other.Data;
        return Message.IsBinary == other.Message.IsBinary && Message.Text == other.Message.Text && Message.Data.Span.SequenceEqual(other.Message.Data.Span);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EnginePacket other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Data, Message?.Text, Message?.Data.Length);

    /// <inheritdoc />
    public override string ToString() => Message is null ? $"{(int)Type}{Data}" : Message.IsBinary ? $"b<{Message.Data.Length} bytes>" : $"4{Message.Text}";
}

/// <summary>Thrown by <see cref="EnginePayloadCodec"/> for input that is not valid Engine.IO (Node's "parser error").</summary>
public sealed class EngineParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public EngineParseException(string message, IReadOnlyList<EnginePacket>? decodedBeforeError = null) : base(message)
        => DecodedBeforeError = decodedBeforeError ?? [];

    /// <summary>In a payload, the valid packets before the bad one (Node still delivers them before closing).</summary>
    public IReadOnlyList<EnginePacket> DecodedBeforeError { get; }
}
