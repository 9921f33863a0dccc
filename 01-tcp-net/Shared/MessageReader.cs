using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace TcpNet;

/// <summary>
/// Turns the bytes of a TCP connection into messages, in one of two ways.
/// <para>
/// TCP is a byte stream: it keeps the bytes and their order, but not where one <c>write</c> ended and the next began.
/// Several writes can come out of one read, and one write can come out of several reads.
/// </para>
/// <list type="bullet">
/// <item><see cref="ReadChunksAsync"/>: what Node's <c>socket.on("data", chunk => ...)</c> gives you, one string per
/// read, however the bytes happened to arrive.</item>
/// <item><see cref="ReadLinesAsync"/>: a framing both ends agree on (each message ends with <c>\n</c>), so every
/// message comes out whole, exactly once, whatever the chunks looked like.</item>
/// </list>
/// This file is shared by TcpNet.Server and TcpNet.Client (linked into both projects).
/// </summary>
internal static class MessageReader
{
    /// <summary>One string per read, like Node's <c>"data"</c> event. Ends when the peer ends the connection.</summary>
    public static async IAsyncEnumerable<string> ReadChunksAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        // A read can stop in the middle of a multi-byte UTF-8 character (e.g. Korean text): the decoder keeps the
        // partial bytes for the next read instead of printing garbage.
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                yield break; // the peer sent FIN: Node's "end" event
            }
            var count = decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            if (count > 0)
            {
                yield return new string(chars, 0, count);
            }
        }
    }

    /// <summary>
    /// One string per <c>\n</c>-terminated line (a trailing <c>\r</c> is dropped). A line longer than
    /// <paramref name="maxLineBytes"/> is bad input: <see cref="InvalidDataException"/>, so a peer cannot make us
    /// buffer without limit.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadLinesAsync(
        Stream stream, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    yield return line;
                }
                if (buffer.Length > maxLineBytes)
                {
                    throw new InvalidDataException($"line longer than {maxLineBytes} bytes without a newline");
                }
                if (result.IsCompleted)
                {
                    // The peer ended the connection. Bytes after the last newline are an unfinished message;
                    // like Node's readline we still hand them over.
                    if (!buffer.IsEmpty)
                    {
                        yield return Encoding.UTF8.GetString(buffer);
                    }
                    yield break;
                }
                // Everything before buffer.Start is consumed; the rest (a partial line) waits for more bytes.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = "";
            return false;
        }
        var bytes = buffer.Slice(0, newline.Value);
        if (!bytes.IsEmpty && bytes.Slice(bytes.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            bytes = bytes.Slice(0, bytes.Length - 1);
        }
        line = Encoding.UTF8.GetString(bytes);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }
}
