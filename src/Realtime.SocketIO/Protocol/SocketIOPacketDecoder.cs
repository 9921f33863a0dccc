using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.SocketIO.Protocol;

/// <summary>
/// Reads Socket.IO v5 packets from one connection's Engine.IO messages. Stateful: a BINARY_EVENT or BINARY_ACK
/// waits for its attachments (the next binary messages) before it is complete. Not thread-safe; Engine.IO
/// delivers one message at a time per connection. Throws <see cref="SocketIOParseException"/> for anything
/// socket.io-parser would reject; the connection is then closed.
/// </summary>
public sealed class SocketIOPacketDecoder
{
    /// <summary>Event names a client may not send (socket.io-parser's RESERVED_EVENTS).</summary>
    public static readonly IReadOnlySet<string> ReservedEvents =
        new HashSet<string>(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"], StringComparer.Ordinal);

    private readonly int _maxAttachments;
    private SocketIOPacket? _pending;
    private int _expected;
    private List<ReadOnlyMemory<byte>>? _buffers;
    private long _bufferedBytes;

    /// <summary>Creates a decoder accepting up to <paramref name="maxAttachments"/> attachments per packet (Node: 10).</summary>
    public SocketIOPacketDecoder(int maxAttachments = 10) => _maxAttachments = maxAttachments;

    /// <summary>True while a binary packet waits for attachments.</summary>
    public bool IsReconstructing => _pending is not null;

    /// <summary>
    /// The bytes of the attachments the waiting packet holds so far (0 when none waits). The decoder keeps them until
    /// the last one arrives: a server checks this, before adding the next, to bound what one client can park here.
    /// </summary>
    public long PendingAttachmentBytes => _bufferedBytes;

    /// <summary>Adds a text message; returns the packet, or null if it is a binary packet waiting for attachments.</summary>
    public SocketIOPacket? Add(string text)
    {
        if (_pending is not null) throw new SocketIOParseException("got plaintext data when reconstructing a packet");
        var packet = Decode(text, _maxAttachments, out var attachments);
        if (attachments == 0) return packet;
        _pending = packet;
        _expected = attachments;
        _buffers = new List<ReadOnlyMemory<byte>>(attachments);
        return null;
    }

    /// <summary>Adds a binary message (an attachment); returns the packet once its last attachment arrived.</summary>
    public SocketIOPacket? Add(ReadOnlyMemory<byte> data)
    {
        if (_pending is null || _buffers is null) throw new SocketIOParseException("got binary data when not reconstructing a packet");
        _buffers.Add(data);
        _bufferedBytes += data.Length;
        if (_buffers.Count < _expected) return null;
        var packet = _pending;
        var buffers = _buffers;
        Reset();
        if (packet.Data is { } payload) ValidatePlaceholders(payload, buffers.Count);
        return new SocketIOPacket(packet.Type, packet.Namespace, packet.Data, packet.Id, buffers);
    }

    /// <summary>Drops a packet waiting for attachments.</summary>
    public void Reset()
    {
        _pending = null;
        _buffers = null;
        _bufferedBytes = 0;
        _expected = 0;
    }

    /// <summary>
    /// Decodes the text of one packet. For a binary packet, <paramref name="attachments"/> is how many binary
    /// messages follow (the returned packet has none yet).
    /// </summary>
    public static SocketIOPacket Decode(string text, int maxAttachments, out int attachments)
    {
        ArgumentNullException.ThrowIfNull(text);
        attachments = 0;
        if (text.Length == 0) throw new SocketIOParseException("empty packet");
        var typeChar = text[0];
        if (typeChar < '0' || typeChar > '6') throw new SocketIOParseException($"unknown packet type {typeChar}");
        var type = (SocketIOPacketType)(typeChar - '0');
        var i = 1;

        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            var dash = text.IndexOf('-', i);
            if (dash < 0 || dash == i || !AllDigits(text.AsSpan(i, dash - i)) || !int.TryParse(text.AsSpan(i, dash - i), out var n) || n < 1)
                throw new SocketIOParseException("Illegal attachments");
            if (n > maxAttachments) throw new SocketIOParseException("too many attachments");
            attachments = n;
            i = dash + 1;
        }

        var nsp = "/";
        if (i < text.Length && text[i] == '/')
        {
            // Up to the comma, or to the end of the string ("40/custom" has none).
            var comma = text.IndexOf(',', i);
            var end = comma < 0 ? text.Length : comma;
            nsp = text[i..end];
            i = comma < 0 ? text.Length : comma + 1;
        }

        long? id = null;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (!long.TryParse(text.AsSpan(start, i - start), out var ackId)) throw new SocketIOParseException("invalid ack id");
            id = ackId;
        }

        JsonElement? data = null;
        if (i < text.Length)
        {
            try
            {
                data = ParseJson(text.AsSpan(i));
            }
            catch (JsonException e)
            {
                throw new SocketIOParseException("invalid payload", e);
            }
        }
        if (!IsPayloadValid(type, data)) throw new SocketIOParseException("invalid payload");
        return new SocketIOPacket(type, nsp, data, id);
    }

    /// <summary>
    /// Parses one JSON value (nothing may follow it) into a <see cref="JsonElement"/> that owns a copy of its bytes.
    /// Straight to <see cref="JsonElement.ParseValue"/>: the serializer adds nothing for a JsonElement.
    /// </summary>
    private static JsonElement ParseJson(ReadOnlySpan<char> json)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = null;
        var utf8 = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var reader = new Utf8JsonReader(utf8[..Encoding.UTF8.GetBytes(json, utf8)]);
            var element = JsonElement.ParseValue(ref reader);
            reader.Read(); // throws JsonException if anything but whitespace follows the value
            return element;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The payload rules of socket.io-parser (<c>isPayloadValid</c>), stricter only in requiring a payload for EVENT and ACK.</summary>
    public static bool IsPayloadValid(SocketIOPacketType type, JsonElement? payload) => type switch
    {
        SocketIOPacketType.Connect => payload is null || payload.Value.ValueKind == JsonValueKind.Object,
        SocketIOPacketType.Disconnect => payload is null,
        SocketIOPacketType.ConnectError => payload is null || payload.Value.ValueKind is JsonValueKind.String or JsonValueKind.Object,
        SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent =>
            payload is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0 && IsEventName(array[0]),
        SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => payload is { ValueKind: JsonValueKind.Array },
        _ => false,
    };

    private static bool IsEventName(JsonElement first) =>
        first.ValueKind == JsonValueKind.Number
        || (first.ValueKind == JsonValueKind.String && !ReservedEvents.Contains(first.GetString()!));

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    /// <summary>Every placeholder (<c>"_placeholder":true</c>) must name an attachment: an integer in [0, count).</summary>
    private static void ValidatePlaceholders(JsonElement element, int count)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (SocketIOPlaceholder.IsPlaceholder(element))
                {
                    if (!SocketIOPlaceholder.TryGetIndex(element, out var num) || num >= count)
                        throw new SocketIOParseException("illegal attachments");
                    return;
                }
                foreach (var property in element.EnumerateObject()) ValidatePlaceholders(property.Value, count);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) ValidatePlaceholders(item, count);
                break;
        }
    }

    /// <summary>
    /// Puts the attachments back in place of their placeholders: a placeholder becomes a <c>byte[]</c> value,
    /// everything else stays as it is. The result writes back to the same packet with <see cref="SocketIOPacketEncoder"/>.
    /// </summary>
    public static JsonNode? Reconstruct(JsonElement data, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Object when SocketIOPlaceholder.TryGetIndex(data, out var num) && num < attachments.Count:
                return JsonValue.Create(BinaryScope.ToArray(attachments[num]), ByteArrayTypeInfo);
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in data.EnumerateObject()) obj[property.Name] = Reconstruct(property.Value, attachments);
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in data.EnumerateArray()) array.Add(Reconstruct(item, attachments));
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(data);
        }
    }

    /// <summary>True if <paramref name="data"/> holds a placeholder anywhere.</summary>
    public static bool HasPlaceholder(JsonElement data) => data.ValueKind switch
    {
        JsonValueKind.Object => SocketIOPlaceholder.IsPlaceholder(data) || data.EnumerateObject().Any(p => HasPlaceholder(p.Value)),
        JsonValueKind.Array => data.EnumerateArray().Any(HasPlaceholder),
        _ => false,
    };

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<byte[]> ByteArrayTypeInfo =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<byte[]>)SocketIOJson.Options.GetTypeInfo(typeof(byte[]));
}
