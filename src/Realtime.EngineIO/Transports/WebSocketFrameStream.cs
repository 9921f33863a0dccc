using Microsoft.AspNetCore.Http.Features;

namespace Realtime.EngineIO;

/// <summary>
/// The upgraded connection under a WebSocket, with one door for writes. .NET's WebSocket (ManagedWebSocket) still
/// reads every frame and writes the control frames (close, pong); the WebSocket transport writes its data frames
/// itself, many per write (<see cref="WriteFramesAsync"/>), so a burst of packets for one client costs
/// one write and one flush through Kestrel instead of one each. Every write, ours or ManagedWebSocket's, takes the
/// same gate, so frames never interleave. Server frames are not masked: a frame is a 2–10 byte header and the payload.
/// </summary>
internal sealed class WebSocketFrameStream(Stream inner) : Stream
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closeWritten; // (under _gate) a close frame went out: nothing may follow it (RFC 6455, 5.5.1)

    /// <summary>The largest header of an unmasked frame: 2 bytes, and 8 more for a length over 65 535.</summary>
    public const int MaxHeaderLength = 10;

    /// <summary>Writes a final (unfragmented) frame's header; returns its length.</summary>
    public static int WriteHeader(Span<byte> to, bool binary, int payloadLength)
    {
        to[0] = (byte)(0x80 | (binary ? 0x2 : 0x1)); // FIN + opcode (text 1, binary 2)
        if (payloadLength < 126)
        {
            to[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            to[1] = 126;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(to[2..], (ushort)payloadLength);
            return 4;
        }
        to[1] = 127;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(to[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>
    /// Writes whole frames (and, for one large frame, its payload after its header) as one unit. Dropped once a close
    /// frame went out: ManagedWebSocket writes one itself when the client breaks the protocol, before the transport
    /// learns that the connection is over.
    /// </summary>
    public async ValueTask WriteFramesAsync(ReadOnlyMemory<byte> frames, ReadOnlyMemory<byte> payload = default)
    {
        if (!_gate.Wait(0)) await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closeWritten) return;
            await inner.WriteAsync(frames).ConfigureAwait(false);
            if (!payload.IsEmpty) await inner.WriteAsync(payload).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // ManagedWebSocket's writes (one whole frame per call) and flushes: through the same gate.
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!buffer.IsEmpty && (buffer.Span[0] & 0x0F) == 0x8) _closeWritten = true; // opcode 8: close
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    // Reads are ManagedWebSocket's alone: straight through.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Flush() => inner.Flush();
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>
/// Stands in for the server's upgrade features (HTTP/1.1 Upgrade, HTTP/2 extended CONNECT) during a WebSocket
/// handshake, so that ASP.NET Core's WebSocket middleware does the handshake as always but builds its WebSocket on a
/// <see cref="WebSocketFrameStream"/>, which the transport then finds in <see cref="Stream"/>.
/// </summary>
internal sealed class WebSocketFrameStreamFeature(IHttpUpgradeFeature? upgrade, IHttpExtendedConnectFeature? connect)
    : IHttpUpgradeFeature, IHttpExtendedConnectFeature
{
    /// <summary>The stream the WebSocket was built on, once the handshake is done.</summary>
    public WebSocketFrameStream? Stream { get; private set; }

    public bool IsUpgradableRequest => upgrade?.IsUpgradableRequest == true;

    public async Task<Stream> UpgradeAsync() => Stream = new WebSocketFrameStream(await upgrade!.UpgradeAsync().ConfigureAwait(false));

    public bool IsExtendedConnect => connect?.IsExtendedConnect == true;

    public string? Protocol => connect?.Protocol;

    public async ValueTask<Stream> AcceptAsync() => Stream = new WebSocketFrameStream(await connect!.AcceptAsync().ConfigureAwait(false));
}
