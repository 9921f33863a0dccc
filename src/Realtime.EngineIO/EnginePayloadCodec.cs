using System.Text;

namespace Realtime.EngineIO;

/// <summary>
/// The Engine.IO v4 text encoding (engine.io-parser). Pure functions, no I/O.
/// <list type="bullet">
/// <item>A packet is its type digit followed by its data: <c>4hello</c>, <c>3probe</c>, <c>6</c>.</item>
/// <item>A binary message in text form is <c>b</c> + base64 (its type 4 is implied): <c>bAQIDBA==</c>.</item>
/// <item>A polling payload joins packets with the record separator <c>\x1e</c>: <c>4hello\x1ebAQIDBA==</c>.</item>
/// </list>
/// Invalid input raises <see cref="EngineParseException"/> and nothing else.
/// </summary>
public static class EnginePayloadCodec
{
    /// <summary>The record separator between packets of a polling payload.</summary>
    public const char Separator = '\x1e';

    /// <summary>Encodes one packet in text form (binary messages as <c>b</c> + base64).</summary>
    public static string EncodePacket(EnginePacket packet)
    {
        var builder = new StringBuilder();
        AppendPacket(builder, packet);
        return builder.ToString();
    }

    /// <summary>
    /// Encodes a polling payload. A text message must not contain <c>\x1e</c> (Node has the same limit:
    /// the receiver would split it).
    /// </summary>
    public static string EncodePayload(IReadOnlyList<EnginePacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (packets.Count == 1 && packets[0].Message is { IsBinary: false } only) return "4" + only.Text;
        var builder = new StringBuilder();
        for (var i = 0; i < packets.Count; i++)
        {
            if (i > 0) builder.Append(Separator);
            AppendPacket(builder, packets[i]);
        }
        return builder.ToString();
    }

    private static void AppendPacket(StringBuilder builder, EnginePacket packet)
    {
        if (packet.Message is { } message)
        {
            if (message.IsBinary) builder.Append('b').Append(Convert.ToBase64String(message.Data.Span));
            else builder.Append('4').Append(message.Text);
        }
        else
        {
            builder.Append((char)('0' + (int)packet.Type)).Append(packet.Data);
        }
    }

    /// <summary>Decodes one packet in text form (a polling record or a WebSocket text frame).</summary>
    /// <exception cref="EngineParseException">Empty, unknown type, or bad base64.</exception>
    public static EnginePacket DecodePacket(string encoded) => DecodePacket(encoded.AsSpan());

    /// <summary>Decodes one packet in text form.</summary>
    /// <exception cref="EngineParseException">Empty, unknown type, or bad base64.</exception>
    public static EnginePacket DecodePacket(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty) throw new EngineParseException("empty packet");
        var type = encoded[0];
        var rest = encoded[1..];
        if (type == 'b')
        {
            // base64 needs at most 3 bytes per 4 characters
            var bytes = new byte[rest.Length / 4 * 3 + 3];
            if (!Convert.TryFromBase64Chars(rest, bytes, out var written)) throw new EngineParseException("invalid base64 in binary packet");
            return EnginePacket.FromMessage(EngineMessage.FromBinary(bytes.AsMemory(0, written)));
        }
        if (type < '0' || type > '6') throw new EngineParseException($"unknown packet type '{type}'");
        var packetType = (EnginePacketType)(type - '0');
        return packetType == EnginePacketType.Message
            ? EnginePacket.FromMessage(EngineMessage.FromText(rest.ToString()))
            : EnginePacket.Control(packetType, rest.ToString());
    }

    /// <summary>Decodes a polling payload (packets separated by <c>\x1e</c>).</summary>
    /// <exception cref="EngineParseException">
    /// A record is invalid; <see cref="EngineParseException.DecodedBeforeError"/> holds the packets before it.
    /// </exception>
    public static IReadOnlyList<EnginePacket> DecodePayload(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var packets = new List<EnginePacket>();
        var remaining = payload.AsSpan();
        while (true)
        {
            var end = remaining.IndexOf(Separator);
            var record = end < 0 ? remaining : remaining[..end];
            try
            {
                packets.Add(DecodePacket(record));
            }
            catch (EngineParseException e)
            {
                throw new EngineParseException(e.Message, packets);
            }
            if (end < 0) return packets;
            remaining = remaining[(end + 1)..];
        }
    }

    /// <summary>Decodes a polling payload from its UTF-8 bytes (invalid UTF-8 becomes U+FFFD, as in Node).</summary>
    /// <exception cref="EngineParseException">A record is invalid.</exception>
    public static IReadOnlyList<EnginePacket> DecodePayload(ReadOnlySpan<byte> utf8) => DecodePayload(Encoding.UTF8.GetString(utf8));
}
