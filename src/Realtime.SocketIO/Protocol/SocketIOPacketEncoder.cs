using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Realtime.SocketIO.Protocol;

/// <summary>
/// An encoded packet: the text (<c>2["news","hi"]</c>, without Engine.IO's leading <c>4</c>) and the binary
/// attachments that follow it as separate Engine.IO messages, in placeholder order.
/// </summary>
public readonly record struct SocketIOEncodedPacket(string Text, IReadOnlyList<ReadOnlyMemory<byte>> Attachments);

/// <summary>
/// Writes Socket.IO v5 packets: <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;nsp&gt;,][&lt;ack id&gt;][&lt;JSON&gt;]</c>.
/// Pure (no I/O) and thread-safe. The JSON is what <c>JSON.stringify</c> writes for the same values; every binary
/// value (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c>) anywhere in an EVENT or ACK
/// becomes a <c>{"_placeholder":true,"num":i}</c> (depth-first, in order of appearance) and an attachment, and the
/// packet becomes BINARY_EVENT / BINARY_ACK, as socket.io-parser does.
/// </summary>
public static class SocketIOPacketEncoder
{
    private static readonly ReadOnlyMemory<byte>[] NoAttachments = [];

    /// <summary>Encodes a packet whose payload is any value System.Text.Json can write (or null for none).</summary>
    public static SocketIOEncodedPacket Encode(SocketIOPacketType type, string nsp, object? data, long? id = null, JsonSerializerOptions? options = null)
    {
        options ??= SocketIOJson.Options;
        if (data is null) return new SocketIOEncodedPacket(WriteText(type, nsp, id, 0, ReadOnlySpan<byte>.Empty), NoAttachments);
        using var scope = new WriterScope(CollectsBinary(type));
        JsonSerializer.Serialize(scope.Writer, data, data.GetType(), options);
        return scope.Finish(type, nsp, id);
    }

    /// <summary>Encodes an EVENT <c>["eventName", args…]</c> without building an array of the arguments.</summary>
    public static SocketIOEncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? id = null, JsonSerializerOptions? options = null)
    {
        options ??= SocketIOJson.Options;
        using var scope = new WriterScope(collectBinary: true);
        var writer = scope.Writer;
        writer.WriteStartArray();
        writer.WriteStringValue(eventName);
        foreach (var arg in args) WriteValue(writer, arg, options);
        writer.WriteEndArray();
        return scope.Finish(SocketIOPacketType.Event, nsp, id);
    }

    /// <summary>Encodes an ACK <c>[args…]</c> answering the event with ack id <paramref name="id"/>.</summary>
    public static SocketIOEncodedPacket EncodeAck(string nsp, long id, ReadOnlySpan<object?> args, JsonSerializerOptions? options = null)
    {
        options ??= SocketIOJson.Options;
        using var scope = new WriterScope(collectBinary: true);
        var writer = scope.Writer;
        writer.WriteStartArray();
        foreach (var arg in args) WriteValue(writer, arg, options);
        writer.WriteEndArray();
        return scope.Finish(SocketIOPacketType.Ack, nsp, id);
    }

    /// <summary>The server's CONNECT answer: <c>0[/nsp,]{"sid":"…"}</c>.</summary>
    public static string EncodeConnect(string nsp, string sid) => EncodeConnect(nsp, sid, null);

    /// <summary>A connect answer with the private session id a client sends back to recover: <c>0[/nsp,]{"sid":"…","pid":"…"}</c> (pid left out when null).</summary>
    public static string EncodeConnect(string nsp, string sid, string? pid)
    {
        using var scope = new WriterScope(collectBinary: false);
        scope.Writer.WriteStartObject();
        scope.Writer.WriteString("sid"u8, sid);
        if (pid is not null) scope.Writer.WriteString("pid"u8, pid);
        scope.Writer.WriteEndObject();
        return scope.Finish(SocketIOPacketType.Connect, nsp, null).Text;
    }

    /// <summary>A refusal: <c>4[/nsp,]{"message":"…","data":…}</c>, <c>data</c> left out when null.</summary>
    public static string EncodeConnectError(string nsp, string message, object? data = null, JsonSerializerOptions? options = null)
    {
        options ??= SocketIOJson.Options;
        using var scope = new WriterScope(collectBinary: false);
        var writer = scope.Writer;
        writer.WriteStartObject();
        writer.WriteString("message"u8, message);
        if (data is not null)
        {
            writer.WritePropertyName("data"u8);
            JsonSerializer.Serialize(writer, data, data.GetType(), options);
        }
        writer.WriteEndObject();
        return scope.Finish(SocketIOPacketType.ConnectError, nsp, null).Text;
    }

    /// <summary>A DISCONNECT: <c>1[/nsp,]</c>.</summary>
    public static string EncodeDisconnect(string nsp) => WriteText(SocketIOPacketType.Disconnect, nsp, null, 0, ReadOnlySpan<byte>.Empty);

    private static bool CollectsBinary(SocketIOPacketType type) =>
        type is SocketIOPacketType.Event or SocketIOPacketType.Ack or SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l when Math.Abs(l) < (1L << 53): writer.WriteNumberValue(l); break;
            case JsonElement e: JsElementConverter.WriteElement(writer, e); break;
            default: JsonSerializer.Serialize(writer, value, value.GetType(), options); break;
        }
    }

    /// <summary>Writes the header and the JSON into one string.</summary>
    private static string WriteText(SocketIOPacketType type, string nsp, long? id, int attachments, ReadOnlySpan<byte> json)
    {
        if (attachments > 0)
        {
            if (type == SocketIOPacketType.Event) type = SocketIOPacketType.BinaryEvent;
            else if (type == SocketIOPacketType.Ack) type = SocketIOPacketType.BinaryAck;
        }
        var binary = type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;
        var withNsp = !string.IsNullOrEmpty(nsp) && nsp != "/";
        Span<char> numbers = stackalloc char[48];
        var attachmentsText = 0;
        if (binary) attachments.TryFormat(numbers, out attachmentsText);
        var idText = 0;
        if (id is { } ackId) ackId.TryFormat(numbers[24..], out idText);

        var jsonChars = Encoding.UTF8.GetCharCount(json);
        var length = 1 + (binary ? attachmentsText + 1 : 0) + (withNsp ? nsp.Length + 1 : 0) + idText + jsonChars;
        var rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var span = rented.AsSpan(0, length);
            var w = 0;
            span[w++] = (char)('0' + (int)type);
            if (binary)
            {
                numbers[..attachmentsText].CopyTo(span[w..]); w += attachmentsText;
                span[w++] = '-';
            }
            if (withNsp)
            {
                nsp.CopyTo(span[w..]); w += nsp.Length;
                span[w++] = ',';
            }
            numbers.Slice(24, idText).CopyTo(span[w..]); w += idText;
            Encoding.UTF8.GetChars(json, span[w..]);
            return new string(span);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>A per-thread reusable buffer and writer, plus the attachment collection while a packet is written.</summary>
    private ref struct WriterScope
    {
        [ThreadStatic] private static Cached? t_cached;

        private sealed class Cached
        {
            public readonly ArrayBufferWriter<byte> Buffer = new(512);
            public readonly Utf8JsonWriter Writer;
            public bool InUse;
            public Cached() => Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Encoder = JsonStringifyEncoder.Instance });
        }

        private readonly Cached _cached;
        private readonly List<ReadOnlyMemory<byte>>? _attachments;
        private readonly List<ReadOnlyMemory<byte>>? _previous;

        public WriterScope(bool collectBinary)
        {
            var cached = t_cached;
            if (cached is null || cached.InUse)
            {
                cached = new Cached(); // re-entrant use (a converter that encodes a packet) gets its own
                if (t_cached is null) t_cached = cached;
            }
            cached.InUse = true;
            _cached = cached;
            if (collectBinary)
            {
                _attachments = [];
                _previous = BinaryScope.BeginCollect(_attachments);
            }
        }

        public readonly Utf8JsonWriter Writer => _cached.Writer;

        public readonly SocketIOEncodedPacket Finish(SocketIOPacketType type, string nsp, long? id)
        {
            Writer.Flush();
            var count = _attachments?.Count ?? 0;
            var text = WriteText(type, nsp, id, count, _cached.Buffer.WrittenSpan);
            return new SocketIOEncodedPacket(text, count > 0 ? _attachments!.ToArray() : NoAttachments);
        }

        public void Dispose()
        {
            if (_attachments is not null) BinaryScope.EndCollect(_previous);
            _cached.Writer.Reset();
            if (_cached.Buffer.Capacity > 64 * 1024)
            {
                // Do not keep a large buffer alive on this thread after a large packet.
                if (ReferenceEquals(t_cached, _cached)) t_cached = null;
            }
            else
            {
                _cached.Buffer.ResetWrittenCount();
            }
            _cached.InUse = false;
        }
    }
}
