using System.Text.Json;

namespace Realtime.SocketIO.Protocol;

/// <summary>
/// A decoded Socket.IO packet. Binary packets keep their placeholders in <see cref="Data"/> and carry the bytes in
/// <see cref="Attachments"/>: reading a value as <c>byte[]</c> (see <see cref="SocketIOJson"/>) or calling
/// <see cref="SocketIOPacketDecoder.Reconstruct"/> puts them back.
/// </summary>
public sealed class SocketIOPacket
{
    private static readonly ReadOnlyMemory<byte>[] NoAttachments = [];

    /// <summary>Creates a packet.</summary>
    public SocketIOPacket(SocketIOPacketType type, string nsp = "/", JsonElement? data = null, long? id = null, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        Type = type;
        Namespace = nsp;
        Data = data;
        Id = id;
        Attachments = attachments ?? NoAttachments;
    }

    /// <summary>The type as it was on the wire (<see cref="SocketIOPacketType.BinaryEvent"/> stays binary).</summary>
    public SocketIOPacketType Type { get; }

    /// <summary>The namespace, <c>/</c> when the packet named none.</summary>
    public string Namespace { get; }

    /// <summary>The JSON payload, or null when there was none.</summary>
    public JsonElement? Data { get; }

    /// <summary>The acknowledgement id, or null.</summary>
    public long? Id { get; }

    /// <summary>The binary attachments, in placeholder order (empty unless binary).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>True for EVENT and BINARY_EVENT.</summary>
    public bool IsEvent => Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent;

    /// <summary>True for ACK and BINARY_ACK.</summary>
    public bool IsAck => Type is SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type} {Namespace}{(Id is { } id ? " #" + id : "")} {(Data is { } d ? d.GetRawText() : "")}{(Attachments.Count > 0 ? $" +{Attachments.Count} attachment(s)" : "")}";
}
