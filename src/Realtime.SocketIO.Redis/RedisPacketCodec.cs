using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO.Redis;

/// <summary>
/// The broadcast message of <c>@socket.io/redis-adapter</c> and <c>@socket.io/redis-emitter</c>, in MessagePack (the
/// Node side encodes it with notepack.io):
/// <code>
/// [ uid, { type: 2, data: [event, ...args], nsp }, { rooms: [...], except: [...], flags: {...} } ]
/// </code>
/// Arguments travel as MessagePack values: JSON-like maps, arrays, strings, numbers, booleans, nil, and binary
/// (<c>bin</c>) where Socket.IO would send an attachment. This class converts between that and the library's own
/// packets; the MessagePack library reads and writes the bytes.
/// </summary>
public static partial class RedisPacketCodec
{
    /// <summary>Socket.IO's EVENT packet type, which the adapter also uses for events with binary.</summary>
    private const int EventType = 2;

    /// <summary>A broadcast read from Redis.</summary>
    public sealed record Broadcast(string Uid, string Namespace, string EventName, object?[] Args,
        IReadOnlyList<string> Rooms, IReadOnlyList<string> Except, IReadOnlyDictionary<string, object?> Flags);

    /// <summary>Writes the message that publishes <paramref name="packet"/> to the sockets in <paramref name="rooms"/> minus <paramref name="except"/>.</summary>
    public static byte[] EncodeBroadcast(string uid, string nsp, SocketIOEncodedPacket packet, IEnumerable<string> rooms, IEnumerable<string> except, SocketIOBroadcastFlags flags)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(uid);
        WritePacket(ref writer, nsp, packet);
        WriteOpts(ref writer, rooms, except, flags);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The packet: <c>{ type: 2, data: [event, ...args], nsp }</c>.</summary>
    private static void WritePacket(ref MessagePackWriter writer, string nsp, SocketIOEncodedPacket packet)
    {
        writer.WriteMapHeader(3);
        writer.Write("type");
        writer.Write(EventType);
        writer.Write("data");
        using (var json = JsonDocument.Parse(JsonOf(packet.Text)))
            WriteJson(ref writer, json.RootElement, packet.Attachments);
        writer.Write("nsp");
        writer.Write(nsp);
    }

    /// <summary>Who receives it: <c>{ rooms: [...], except: [...], flags: {...} }</c>.</summary>
    private static void WriteOpts(ref MessagePackWriter writer, IEnumerable<string> rooms, IEnumerable<string> except, SocketIOBroadcastFlags flags)
    {
        writer.WriteMapHeader(3);
        writer.Write("rooms");
        WriteStrings(ref writer, rooms);
        writer.Write("except");
        WriteStrings(ref writer, except);
        writer.Write("flags");
        // Only the flags that are set, as Node's adapter writes them; the receivers honour volatile.
        writer.WriteMapHeader((flags.Local ? 1 : 0) + (flags.Volatile ? 1 : 0) + (flags.Compress is null ? 0 : 1) + (flags.Timeout is null ? 0 : 1));
        if (flags.Local)
        {
            writer.Write("local");
            writer.Write(true);
        }
        if (flags.Volatile)
        {
            writer.Write("volatile");
            writer.Write(true);
        }
        if (flags.Compress is { } compress)
        {
            writer.Write("compress");
            writer.Write(compress);
        }
        if (flags.Timeout is { } timeout)
        {
            writer.Write("timeout");
            writer.Write((long)timeout.TotalMilliseconds);
        }
    }

    /// <summary>Reads a broadcast message; null when it is not one (another type of packet, or not an event).</summary>
    /// <remarks>Throws when the bytes are not MessagePack.</remarks>
    public static Broadcast? DecodeBroadcast(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        if (ReadValue(ref reader) is not object?[] { Length: >= 3 } parts) return null;
        if (parts[0] is not string uid || parts[1] is not Dictionary<string, object?> packet) return null;
        return ToBroadcast(uid, packet, parts[2] as Dictionary<string, object?>);
    }

    /// <summary>A broadcast from its packet map and its opts map; null when the packet is not an event.</summary>
    private static Broadcast? ToBroadcast(string uid, Dictionary<string, object?> packet, Dictionary<string, object?>? opts)
    {
        if (!packet.TryGetValue("data", out var dataValue) || dataValue is not object?[] { Length: >= 1 } data || data[0] is not string eventName) return null;
        if (packet.TryGetValue("type", out var type) && !IsEventType(type)) return null;
        var nsp = packet.TryGetValue("nsp", out var n) && n is string name ? name : "/";
        return new Broadcast(uid, nsp, eventName, data[1..],
            Strings(opts, "rooms"), Strings(opts, "except"),
            opts?.GetValueOrDefault("flags") as Dictionary<string, object?> ?? new Dictionary<string, object?>());
    }

    private static bool IsEventType(object? type) => type is long t && (t == EventType || t == 5); // 5: BINARY_EVENT

    private static IReadOnlyList<string> Strings(Dictionary<string, object?>? map, string key) =>
        map?.GetValueOrDefault(key) is object?[] items
            ? items.Select(i => i switch { string s => s, null => "", _ => Convert.ToString(i, System.Globalization.CultureInfo.InvariantCulture) ?? "" }).ToArray()
            : [];

    private static void WriteStrings(ref MessagePackWriter writer, IEnumerable<string> values)
    {
        var list = values as IReadOnlyCollection<string> ?? values.ToArray();
        writer.WriteArrayHeader(list.Count);
        foreach (var value in list) writer.Write(value);
    }

    /// <summary>
    /// The JSON part of an encoded packet: <c>&lt;type&gt;[&lt;n&gt;-][&lt;nsp&gt;,][&lt;id&gt;]&lt;JSON&gt;</c>.
    /// </summary>
    internal static ReadOnlyMemory<char> JsonOf(string text)
    {
        var i = 1;
        if (text.Length > 0 && (text[0] == '5' || text[0] == '6'))
        {
            while (i < text.Length && text[i] != '-') i++;
            i++;
        }
        if (i < text.Length && text[i] == '/')
        {
            while (i < text.Length && text[i] != ',') i++;
            i++;
        }
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        return text.AsMemory(i);
    }

    /// <summary>Writes a JSON value as MessagePack; attachment placeholders become the attachment's bytes.</summary>
    internal static void WriteJson(ref MessagePackWriter writer, JsonElement value, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (attachments.Count > 0 && TryGetPlaceholder(value, attachments.Count, out var num))
                {
                    writer.Write(attachments[num].Span);
                    return;
                }
                var count = 0;
                foreach (var _ in value.EnumerateObject()) count++;
                writer.WriteMapHeader(count);
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteJson(ref writer, property.Value, attachments);
                }
                return;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray()) WriteJson(ref writer, item, attachments);
                return;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                return;
            case JsonValueKind.Number:
                // As notepack does: whole numbers as integers, the rest as float64.
                if (value.TryGetInt64(out var whole)) writer.Write(whole);
                else writer.Write(value.GetDouble());
                return;
            case JsonValueKind.True:
                writer.Write(true);
                return;
            case JsonValueKind.False:
                writer.Write(false);
                return;
            default:
                writer.WriteNil();
                return;
        }
    }

    private static bool TryGetPlaceholder(JsonElement value, int attachments, out int num)
    {
        num = -1;
        return value.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
            && value.TryGetProperty("num", out var n) && n.TryGetInt32(out num) && num >= 0 && num < attachments;
    }

    /// <summary>Writes any JSON (a request or a response) as MessagePack, for the messages Node sends that way.</summary>
    public static byte[] JsonToMessagePack(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        WriteJson(ref writer, value, []);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads one MessagePack value as plain .NET values that System.Text.Json writes back as the same JSON: maps as
    /// <c>Dictionary&lt;string, object?&gt;</c> (in order), arrays as <c>object?[]</c>, integers as <c>long</c>, floats as
    /// <c>double</c>, binary as <c>byte[]</c> (an attachment again when emitted), timestamps as ISO strings (what
    /// <c>JSON.stringify</c> makes of a Date).
    /// </summary>
    public static object? ReadValue(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? (object)(double)reader.ReadUInt64() : reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Binary:
                return reader.ReadBytes()?.ToArray();
            case MessagePackType.Array:
            {
                var length = reader.ReadArrayHeader();
                var items = new object?[length];
                for (var i = 0; i < length; i++) items[i] = ReadValue(ref reader);
                return items;
            }
            case MessagePackType.Map:
            {
                var length = reader.ReadMapHeader();
                var map = new Dictionary<string, object?>(length, StringComparer.Ordinal);
                for (var i = 0; i < length; i++)
                {
                    var key = ReadValue(ref reader);
                    var value = ReadValue(ref reader);
                    map[key as string ?? Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] = value;
                }
                return map;
            }
            case MessagePackType.Extension:
                if (reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime)
                    return reader.ReadDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                reader.Skip();
                return null; // notepack's 'undefined' (fixext 1, type 0) and unknown extensions
            default:
                reader.Skip();
                return null;
        }
    }

    /// <summary>UTF-8 JSON of a value, written with the Socket.IO JSON settings.</summary>
    internal static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value, SocketIOJson.Options);

    internal static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);
}
