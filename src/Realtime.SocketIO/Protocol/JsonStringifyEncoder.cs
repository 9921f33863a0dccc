using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Realtime.SocketIO.Protocol;

/// <summary>
/// A <see cref="JavaScriptEncoder"/> that escapes exactly what JavaScript's <c>JSON.stringify</c> escapes, so the
/// JSON this server writes is byte-identical to what the Node server writes for the same strings:
/// <c>"</c> and <c>\</c>, the short forms <c>\b \f \n \r \t</c>, other control characters below U+0020 as
/// <c>\u00xx</c> (lowercase hex), and nothing else (no escaping of <c>&lt;&gt;&amp;'+</c>, non-ASCII or emoji).
/// </summary>
/// <remarks>
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> is close but still escapes characters outside the
/// Basic Multilingual Plane (emoji become <c>\uD83D\uDE00</c>) and writes <c>\u001F</c> in uppercase.
/// Like <c>JSON.stringify</c>, this encoder is for JSON only, never for HTML.
/// </remarks>
public sealed class JsonStringifyEncoder : JavaScriptEncoder
{
    /// <summary>The single instance.</summary>
    public static JsonStringifyEncoder Instance { get; } = new();

    private JsonStringifyEncoder() { }

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 6; // \u001f

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\';

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c < 0x20 || c == '"' || c == '\\') return i;
            if (char.IsSurrogate(c))
            {
                // A well-formed pair passes through; a lone surrogate must be handled by Encode.
                if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) { i++; continue; }
                return i;
            }
        }
        return -1;
    }

    /// <inheritdoc />
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var i = 0;
        while (i < utf8Text.Length)
        {
            var b = utf8Text[i];
            if (b < 0x80)
            {
                if (b < 0x20 || b == '"' || b == '\\') return i;
                i++;
                continue;
            }
            // Non-ASCII passes through when it is valid UTF-8; invalid bytes go to Encode (which replaces them).
            if (Rune.DecodeFromUtf8(utf8Text[i..], out _, out var consumed) != OperationStatus.Done) return i;
            i += consumed;
        }
        return -1;
    }

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            // Written as is (the base class asks for this only when it could not copy it directly).
            if (!new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten)) return false;
            return true;
        }
        ReadOnlySpan<char> escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => default,
        };
        if (escape.IsEmpty)
        {
            if (bufferLength < 6) { numberOfCharactersWritten = 0; return false; }
            const string hex = "0123456789abcdef";
            destination[0] = '\\'; destination[1] = 'u'; destination[2] = '0'; destination[3] = '0';
            destination[4] = hex[unicodeScalar >> 4]; destination[5] = hex[unicodeScalar & 0xF];
            numberOfCharactersWritten = 6;
            return true;
        }
        if (!escape.TryCopyTo(destination)) { numberOfCharactersWritten = 0; return false; }
        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
