using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// What travels on the wire, without a WebSocket library: the HTTP upgrade request and response as text, and
/// RFC 6455 frames as bytes, so the tests can record them readably (step 02's tests, which call it <c>Wire</c>), or
/// send what no WebSocket library would (Engine.IO's tests).
/// </summary>
public static class RawWebSocketWire
{
    /// <summary>The sample key of RFC 6455 §1.3, whose accept value every WebSocket text quotes.</summary>
    public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    public static Uri WebSocketUri(Uri httpBase) => new($"ws://{httpBase.Authority}/");

    public static async Task<(TcpClient Tcp, NetworkStream Stream)> ConnectAsync(Uri httpBase)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(httpBase.Host, httpBase.Port);
        return (tcp, tcp.GetStream());
    }

    public static string[] UpgradeRequest(Uri httpBase, string target = "/") =>
    [
        $"GET {target} HTTP/1.1",
        $"Host: {httpBase.Authority}",
        "Connection: Upgrade",
        "Upgrade: websocket",
        "Sec-WebSocket-Version: 13",
        $"Sec-WebSocket-Key: {SampleKey}",
    ];

    public static async Task SendRequestAsync(Stream stream, IEnumerable<string> lines)
    {
        var text = string.Concat(lines.Select(l => l + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>Reads the response head byte by byte up to the blank line, so no frame byte is consumed.</summary>
    public static async Task<string[]> ReadResponseHeadAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new EndOfStreamException("The server closed the connection inside the response head.");
            }
            bytes.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. bytes]).TrimEnd().Split("\r\n");
    }

    public sealed record Frame(byte[] Head, bool Fin, int Opcode, byte[] Payload)
    {
        public string OpcodeName => Opcode switch
        {
            1 => "text",
            2 => "binary",
            8 => "close",
            9 => "ping",
            10 => "pong",
            _ => "opcode " + Opcode,
        };

        /// <summary>One readable line: the header bytes in hex, then what they mean, then the payload.</summary>
        public string Describe()
        {
            var masked = (Head[1] & 0x80) != 0;
            var meaning = $"FIN={(Fin ? 1 : 0)} opcode={Opcode} ({OpcodeName}) MASK={(masked ? 1 : 0)} length={Payload.Length}";
            var content = Opcode switch
            {
                1 => $"\"{Encoding.UTF8.GetString(Payload)}\"",
                8 when Payload.Length >= 2 => $"code {(Payload[0] << 8) | Payload[1]} " +
                                             $"({(WebSocketCloseStatus)((Payload[0] << 8) | Payload[1])})" +
                                             (Payload.Length > 2 ? $" reason \"{Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2)}\"" : ""),
                _ => Convert.ToHexString(Payload),
            };
            return $"{Hex(Head)} | {meaning} | {content}";
        }
    }

    /// <summary>Reads one frame as the server sends it (server frames are never masked).</summary>
    public static async Task<Frame> ReadFrameAsync(Stream stream) =>
        await ReadFrameOrEndAsync(stream) ?? throw new EndOfStreamException("The server closed the connection where a frame was expected.");

    /// <summary>As <see cref="ReadFrameAsync"/>, or null when the connection ends before the next frame (not inside one).</summary>
    public static async Task<Frame?> ReadFrameOrEndAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        var first = new byte[1];
        if (await stream.ReadAsync(first, timeout.Token) == 0) return null;
        var head = new List<byte> { first[0], (await ReadExactlyAsync(stream, 1, timeout.Token))[0] };
        var length = (long)(head[1] & 0x7F);
        if (length == 126)
        {
            var extended = await ReadExactlyAsync(stream, 2, timeout.Token);
            head.AddRange(extended);
            length = (extended[0] << 8) | extended[1];
        }
        else if (length == 127)
        {
            throw new NotSupportedException("64-bit frame lengths are not expected in these tests.");
        }
        if ((head[1] & 0x80) != 0)
        {
            throw new InvalidDataException("A server must not mask its frames (RFC 6455 §5.1).");
        }
        var payload = await ReadExactlyAsync(stream, (int)length, timeout.Token);
        return new Frame([.. head], (head[0] & 0x80) != 0, head[0] & 0x0F, payload);
    }

    /// <summary>
    /// Writes one frame as a client must (RFC 6455 §5.3: masked with a 4-byte key, each payload byte XOR key[i % 4]).
    /// A fixed key keeps the recorded bytes stable; a real client draws a random one per frame.
    /// </summary>
    public static async Task<Frame> WriteMaskedFrameAsync(Stream stream, int opcode, byte[] payload, byte[] mask)
    {
        if (payload.Length > 125)
        {
            throw new NotSupportedException("Only short frames are written by these tests.");
        }
        byte[] head = [(byte)(0x80 | opcode), (byte)(0x80 | payload.Length), .. mask];
        var masked = payload.Select((b, i) => (byte)(b ^ mask[i % 4])).ToArray();
        await stream.WriteAsync((byte[])[.. head, .. masked]);
        return new Frame(head, true, opcode, payload);
    }

    public static string Hex(IEnumerable<byte> bytes) => string.Join(' ', bytes.Select(b => b.ToString("X2")));

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
