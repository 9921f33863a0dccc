using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.SocketIO.Protocol;

/// <summary>
/// The JSON settings of the Socket.IO layer: System.Text.Json's web defaults (camelCase names, case-insensitive
/// reading), output identical to <c>JSON.stringify</c> (see <see cref="JsonStringifyEncoder"/>; numbers written
/// as JavaScript writes them), and binary values (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>,
/// <c>Memory&lt;byte&gt;</c>) turned into Socket.IO attachments when a packet is encoded and back when it is read.
/// </summary>
public static class SocketIOJson
{
    /// <summary>Creates options with the Socket.IO settings; start from these when you need your own converters.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JsonStringifyEncoder.Instance,
            // JSON.stringify turns NaN and Infinity into null; System.Text.Json would throw.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new ByteArrayConverter());
        options.Converters.Add(new ReadOnlyMemoryConverter());
        options.Converters.Add(new MemoryConverter());
        options.Converters.Add(new JsDoubleConverter());
        options.Converters.Add(new JsSingleConverter());
        options.Converters.Add(new JsElementConverter());
        return options;
    }

    /// <summary>The shared default options (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = MakeReadOnly(CreateOptions());

    private static JsonSerializerOptions MakeReadOnly(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// The attachments of the packet being encoded or read on this thread. Serialization is synchronous, so a
/// thread-static scope is enough to let the binary converters collect or resolve attachments.
/// </summary>
internal static class BinaryScope
{
    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_collecting;
    [ThreadStatic] private static IReadOnlyList<ReadOnlyMemory<byte>>? t_resolving;

    public static List<ReadOnlyMemory<byte>>? Collecting => t_collecting;

    public static List<ReadOnlyMemory<byte>>? BeginCollect(List<ReadOnlyMemory<byte>> list)
    {
        var previous = t_collecting;
        t_collecting = list;
        return previous;
    }

    public static void EndCollect(List<ReadOnlyMemory<byte>>? previous) => t_collecting = previous;

    public static IReadOnlyList<ReadOnlyMemory<byte>>? BeginResolve(IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var previous = t_resolving;
        t_resolving = attachments;
        return previous;
    }

    public static void EndResolve(IReadOnlyList<ReadOnlyMemory<byte>>? previous) => t_resolving = previous;

    /// <summary>Writes the placeholder for <paramref name="data"/> if a packet is being encoded; false otherwise.</summary>
    public static bool TryWritePlaceholder(Utf8JsonWriter writer, ReadOnlyMemory<byte> data)
    {
        var list = t_collecting;
        if (list is null) return false;
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder"u8, true);
        writer.WriteNumber("num"u8, list.Count);
        writer.WriteEndObject();
        list.Add(data);
        return true;
    }

    /// <summary>Reads a placeholder object (reader on its StartObject) and returns the attachment it stands for.</summary>
    public static ReadOnlyMemory<byte> ReadPlaceholder(ref Utf8JsonReader reader)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var attachments = t_resolving;
        if (attachments is not null && SocketIOPlaceholder.TryGetIndex(doc.RootElement, out var num) && num < attachments.Count)
            return attachments[num];
        throw new JsonException("Expected binary data: a string in base64 or an attachment placeholder.");
    }

    public static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}

/// <summary>Recognizes <c>{"_placeholder":true,"num":i}</c>.</summary>
internal static class SocketIOPlaceholder
{
    public static bool IsPlaceholder(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("_placeholder"u8, out var flag) && flag.ValueKind == JsonValueKind.True;

    /// <summary>True if <paramref name="element"/> is a placeholder with an integer num ≥ 0.</summary>
    public static bool TryGetIndex(JsonElement element, out int num)
    {
        num = -1;
        return IsPlaceholder(element)
            && element.TryGetProperty("num"u8, out var n) && n.ValueKind == JsonValueKind.Number
            && n.TryGetInt32(out num) && num >= 0;
    }
}

internal sealed class ByteArrayConverter : JsonConverter<byte[]>
{
    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.StartObject => BinaryScope.ToArray(BinaryScope.ReadPlaceholder(ref reader)),
            JsonTokenType.String => reader.GetBytesFromBase64(),
            JsonTokenType.Null => null,
            _ => throw new JsonException("Expected binary data: a string in base64 or an attachment placeholder."),
        };

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        if (!BinaryScope.TryWritePlaceholder(writer, value)) writer.WriteBase64StringValue(value);
    }
}

internal sealed class ReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.StartObject => BinaryScope.ReadPlaceholder(ref reader),
            JsonTokenType.String => reader.GetBytesFromBase64(),
            _ => throw new JsonException("Expected binary data: a string in base64 or an attachment placeholder."),
        };

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options)
    {
        if (!BinaryScope.TryWritePlaceholder(writer, value)) writer.WriteBase64StringValue(value.Span);
    }
}

internal sealed class MemoryConverter : JsonConverter<Memory<byte>>
{
    public override Memory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.StartObject => BinaryScope.ToArray(BinaryScope.ReadPlaceholder(ref reader)),
            JsonTokenType.String => reader.GetBytesFromBase64(),
            _ => throw new JsonException("Expected binary data: a string in base64 or an attachment placeholder."),
        };

    public override void Write(Utf8JsonWriter writer, Memory<byte> value, JsonSerializerOptions options)
    {
        if (!BinaryScope.TryWritePlaceholder(writer, value)) writer.WriteBase64StringValue(value.Span);
    }
}

/// <summary>Writes doubles as JavaScript does (<c>1e+21</c>, not <c>1E+21</c>; NaN and infinities as null).</summary>
internal sealed class JsDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && double.TryParse(reader.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => JsElementConverter.WriteJsNumber(writer, value);
}

internal sealed class JsSingleConverter : JsonConverter<float>
{
    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && float.TryParse(reader.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : reader.GetSingle();

    // A float widens exactly to a double, but JavaScript would print that double's digits (0.1f → 0.10000000149011612);
    // printing the float's own shortest digits is what a C# author means.
    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) =>
        JsElementConverter.WriteJsNumber(writer, double.Parse(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// Writes a <see cref="JsonElement"/> as <c>JSON.stringify(JSON.parse(text))</c> would: numbers in JavaScript's
/// form (<c>1.0</c> → <c>1</c>, <c>1e2</c> → <c>100</c>), strings re-escaped by the writer's encoder.
/// </summary>
internal sealed class JsElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => WriteElement(writer, value);

    public static void WriteElement(Utf8JsonWriter writer, JsonElement value)
    {
        // Fast path (the echo and chat case: a client's JSON sent on): text that is already in JSON.stringify's form
        // is copied as is, without walking the tree or allocating its property names.
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String or JsonValueKind.Number)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            if (IsStringifyForm(raw))
            {
                writer.WriteRawValue(raw, skipInputValidation: true);
                return;
            }
        }
        WriteRewritten(writer, value);
    }

    private static void WriteRewritten(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteRewritten(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) WriteRewritten(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                WriteJsNumber(writer, value);
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// True when <paramref name="json"/> (valid JSON, as parsed) is byte for byte what <c>JSON.stringify</c> would write
    /// for it: compact (no whitespace outside strings), no escape sequences in strings (JSON.stringify may escape
    /// differently: <c>\u00e9</c> becomes <c>é</c>), valid UTF-8, and every number already in JavaScript's form.
    /// </summary>
    internal static bool IsStringifyForm(ReadOnlySpan<byte> json)
    {
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == '"') inString = false;
                else if (b == '\\') return false;
                continue;
            }
            if (b == '"')
            {
                inString = true;
            }
            else if (b is (byte)'-' or (>= (byte)'0' and <= (byte)'9'))
            {
                var end = i + 1;
                while (end < json.Length && json[end] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-' or (>= (byte)'0' and <= (byte)'9')) end++;
                if (!IsJsNumberForm(json[i..end])) return false;
                i = end - 1;
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                return false;
            }
        }
        return System.Text.Unicode.Utf8.IsValid(json);
    }

    /// <summary>True when the number token is written as JavaScript writes its value (<c>12</c>, <c>0.5</c>; not <c>1.0</c>, <c>-0</c>, <c>1E2</c>).</summary>
    private static bool IsJsNumberForm(ReadOnlySpan<byte> token)
    {
        var digits = token[0] == '-' ? token[1..] : token;
        // A plain integer of up to 15 digits is exact in a double and already in its shortest form ("-0" is not: 0).
        if (digits.IsEmpty) return false;
        if (digits.Length <= 15 && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            return digits[0] != '0' || (digits.Length == 1 && token.Length == 1);
        if (!double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)) return false;
        Span<char> text = stackalloc char[40];
        if (!JsNumber.TryFormat(value, text, out var written) || written != token.Length) return false;
        for (var i = 0; i < written; i++)
        {
            if (text[i] != token[i]) return false;
        }
        return true;
    }

    private static void WriteJsNumber(Utf8JsonWriter writer, JsonElement number)
    {
        // Integers that fit are already in JavaScript's form ("-12"); everything else goes through a double,
        // as JSON.parse would (so 1.50 → 1.5 and 12345678901234567890 → 12345678901234567000).
        if (number.TryGetInt64(out var integer) && Math.Abs(integer) < (1L << 53))
        {
            writer.WriteNumberValue(integer);
            return;
        }
        if (number.TryGetDouble(out var value)) WriteJsNumber(writer, value);
        else writer.WriteNullValue(); // beyond double's range: JSON.parse gives Infinity, JSON.stringify null
    }

    public static void WriteJsNumber(Utf8JsonWriter writer, double value)
    {
        Span<char> text = stackalloc char[40];
        if (!JsNumber.TryFormat(value, text, out var written))
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }
}
