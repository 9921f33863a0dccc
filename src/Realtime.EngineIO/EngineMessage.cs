using System.Text;

namespace Realtime.EngineIO;

/// <summary>
/// A message packet (Engine.IO type 4), text or binary. Immutable and shareable: a broadcast creates one instance
/// and sends it to many sockets; the WebSocket transport caches its encoded frame bytes on first use.
/// </summary>
public sealed class EngineMessage
{
    private byte[]? _frame; // "4" + UTF-8 text, built once, shared by every socket it is sent to
    private long _heldBytes = -1; // see HeldBytes, computed once

    private EngineMessage(string text, ReadOnlyMemory<byte> data, bool isBinary)
    {
        Text = text;
        Data = data;
        IsBinary = isBinary;
    }

    /// <summary>A text message.</summary>
    public static EngineMessage FromText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), ReadOnlyMemory<byte>.Empty, false);

    /// <summary>A binary message. The memory is not copied: do not change it after sending.</summary>
    public static EngineMessage FromBinary(ReadOnlyMemory<byte> data) => new("", data, true);

    /// <summary>True for a binary message.</summary>
    public bool IsBinary { get; }

    /// <summary>The text ("" for binary).</summary>
    public string Text { get; }

    /// <summary>The bytes (empty for text).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// The memory this message holds while it waits to be sent, counted once however many queues share it: a binary
    /// message its bytes; a text message its string (2 bytes per UTF-16 character) and its UTF-8 frame (built for
    /// sending, cached). Counting characters only, a slow reader's 16 MiB cap let about 3 times that pile up.
    /// </summary>
    internal long HeldBytes
    {
        get
        {
            if (IsBinary) return Data.Length;
            var held = Volatile.Read(ref _heldBytes);
            if (held < 0)
            {
                held = 2L * Text.Length + (_frame?.Length ?? 1 + Encoding.UTF8.GetByteCount(Text));
                Volatile.Write(ref _heldBytes, held); // a race computes the same number twice at worst
            }
            return held;
        }
    }

    /// <summary>The WebSocket text frame of this message (<c>4</c> + UTF-8 text), cached.</summary>
    internal byte[] GetTextFrame()
    {
        var frame = _frame;
        if (frame is not null) return frame;
        frame = new byte[1 + Encoding.UTF8.GetByteCount(Text)];
        frame[0] = (byte)'4';
        Encoding.UTF8.GetBytes(Text, frame.AsSpan(1));
        // A race builds the same bytes twice at worst; both are correct.
        _frame = frame;
        return frame;
    }

    /// <inheritdoc />
    public override string ToString() => IsBinary ? $"<binary {Data.Length} bytes>" : Text;
}
