using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Realtime.EngineIO;

/// <summary>
/// The WebSocket transport (websocket.ts): one packet per frame, binary messages as raw binary frames.
/// Receiving: an async loop reads frames; between messages it waits with a zero-byte read, so an idle connection
/// holds no receive buffer. Sending: packets queue, and one writer at a time drains the queue in order, framing
/// everything queued into one buffer and writing it at once (<see cref="WebSocketFrameStream"/>): a burst for one
/// client (a busy room, a backlog after a slow read) costs one write and one flush, not one per packet. An answer to
/// the message being handled is written at once by the thread handling it (no hand-off: Kestrel copies the frame into
/// its output pipe and its I/O thread sends it); packets for other clients (a broadcast, a ping) are written by the
/// thread pool, so the sender goes on at once and what piles up meanwhile leaves together. Frames never interleave
/// and no thread is held while idle.
/// </summary>
internal sealed class WebSocketTransport(EngineIOSocket socket, EngineIOServer server, WebSocket webSocket, WebSocketFrameStream? frameStream)
    : EngineTransport(socket, server)
{
    /// <summary>How long a closing WebSocket may take to flush and exchange close frames before it is aborted.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] PingFrame = "2"u8.ToArray();
    private static readonly byte[] NoopFrame = "6"u8.ToArray();
    /// <summary>How much one write carries at most (a larger single frame goes alone, its payload not copied).</summary>
    private const int BurstBytes = 64 * 1024;
    /// <summary>How many queued packets one write takes at most.</summary>
    private const int BurstPackets = 256;

    // Guarded by Socket.Gate, like all transport state (but _waitingForClient, which the writer sets without it).
    private readonly Queue<Outgoing> _queue = new();
    private long _queuedBytes; // what waits in _queue (see EngineIOServerOptions.MaxBufferedBytes)
    private bool _writing; // a writer is draining _queue
    private volatile bool _waitingForClient; // a write waits for the client to read (Kestrel's output is full)
    private bool _closed;

    private readonly TaskCompletionSource _sendsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _receiveStop = new();

    /// <summary>The transport whose incoming message this thread is handling: packets for it are written inline.</summary>
    [ThreadStatic] private static WebSocketTransport? t_handling;

    /// <summary>A queued frame: a packet, or the close frame that ends the sending side.</summary>
    private readonly record struct Outgoing(EnginePacket Packet, WebSocketCloseStatus? CloseStatus);

    public override string Name => "websocket";

    public override bool Writable => !_closed;

    // As ws in Node: not while an earlier frame is still being written.
    public override bool WritableNow => !_closed && !_writing;

    public override void Send(List<EnginePacket> packets)
    {
        if (_closed) return;
        foreach (var packet in packets)
        {
            _queue.Enqueue(new Outgoing(packet, null));
            _queuedBytes += packet.Size;
        }
        StartWriterLocked();
        if (_waitingForClient && IsOverLimit()) DropQueueAndCloseLocked();
    }

    /// <summary>More than MaxBufferedBytes waits in the queue (checked while a write waits for the client).</summary>
    private bool IsOverLimit() => Socket.IsOverBufferLimit(Volatile.Read(ref _queuedBytes));

    /// <summary>(locked) The client reads slower than we send: drop what waits and close the session.</summary>
    private void DropQueueAndCloseLocked()
    {
        // The close frame goes after the write under way; the close timeout aborts a client that never reads it.
        _queue.Clear();
        _queuedBytes = 0;
        Socket.WriteBufferFullLocked();
    }

    private void EnforceLimit()
    {
        lock (Socket.Gate)
        {
            if (_closed || !_waitingForClient || !IsOverLimit()) return;
            DropQueueAndCloseLocked();
        }
        Socket.RaisePendingEvents();
    }

    public override bool BeginClose(bool graceful)
    {
        // Node's ws close() sends a close frame without a status code (the client sees 1005); .NET always writes
        // a code and 1005 may not appear on the wire, so we send 1000 (normal closure).
        CloseLocked(WebSocketCloseStatus.NormalClosure);
        return true;
    }

    private void CloseLocked(WebSocketCloseStatus status)
    {
        if (_closed) return;
        _closed = true;
        _queue.Enqueue(new Outgoing(default, status));
        StartWriterLocked();
        // Bound the whole close: a client that neither reads (our queued frames) nor answers the close frame is
        // aborted after this delay (while the receive loop runs; RunAsync bounds the sends left after it).
        try
        {
            _receiveStop.CancelAfter(CloseHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // the connection is already over
        }
    }

    /// <summary>(locked) Starts a writer unless one is at work: inline for an answer, else on the thread pool.</summary>
    private void StartWriterLocked()
    {
        if (_writing) return;
        _writing = true;
        if (ReferenceEquals(t_handling, this)) _ = WriteQueuedAsync(); // runs synchronously until a write has to wait
        else ThreadPool.UnsafeQueueUserWorkItem(static transport => _ = transport.WriteQueuedAsync(), this, preferLocal: false);
    }

    private async Task WriteQueuedAsync()
    {
        EnginePacket[]? burst = null;
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketCloseStatus? close = null;
                lock (Socket.Gate)
                {
                    // An array as large as what waits: at a steady rate that is one packet, and a 256-entry array
                    // would be cleared on its way back to the pool for each of them.
                    var wanted = Math.Clamp(_queue.Count, 1, BurstPackets);
                    if (burst is null || burst.Length < wanted)
                    {
                        if (burst is not null) ArrayPool<EnginePacket>.Shared.Return(burst, clearArray: true);
                        burst = ArrayPool<EnginePacket>.Shared.Rent(wanted);
                    }
                    // Take what is queued, up to BurstBytes (at least one packet), stopping at the close frame.
                    long bytes = 0;
                    while (count < burst.Length && _queue.TryPeek(out var next))
                    {
                        if (next.CloseStatus is { } status)
                        {
                            if (count == 0)
                            {
                                _queue.Dequeue();
                                close = status;
                            }
                            break;
                        }
                        if (count > 0 && bytes + next.Packet.Size > BurstBytes) break;
                        _queue.Dequeue();
                        _queuedBytes -= next.Packet.Size;
                        bytes += next.Packet.Size;
                        burst[count++] = next.Packet;
                    }
                    if (count == 0 && close is null)
                    {
                        _writing = false;
                        return;
                    }
                }
                if (close is { } closeStatus)
                {
                    if (webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await webSocket.CloseOutputAsync(closeStatus, null, CancellationToken.None).ConfigureAwait(false);
                    }
                    _sendsDone.TrySetResult(); // the close frame is the last one: _writing stays true
                    return;
                }
                var sending = SendPacketsAsync(burst.AsMemory(0, count));
                if (!sending.IsCompleted)
                {
                    _waitingForClient = true;
                    // Packets queued before this write began to wait were not checked against the limit: check now
                    // (from the thread pool: this writer may be running inside someone's locked section).
                    if (IsOverLimit()) ThreadPool.UnsafeQueueUserWorkItem(static transport => transport.EnforceLimit(), this, preferLocal: false);
                    await sending.ConfigureAwait(false);
                    _waitingForClient = false;
                }
                else
                {
                    await sending.ConfigureAwait(false); // completed: only observes a failure
                }
                burst.AsSpan(0, count).Clear(); // hold no packet longer than needed
            }
        }
        catch (Exception)
        {
            // Any failure (reset connection, aborted socket...) ends the sending side for good.
            lock (Socket.Gate)
            {
                _closed = true;
                _queue.Clear();
                _queuedBytes = 0;
            }
            // This may run inside the locked section of whoever queued the packet: report from the thread pool.
            ThreadPool.UnsafeQueueUserWorkItem(static transport => transport.OnWriteFailed(), this, preferLocal: false);
        }
        finally
        {
            if (burst is not null) ArrayPool<EnginePacket>.Shared.Return(burst, clearArray: true);
        }
    }

    private void OnWriteFailed()
    {
        try
        {
            Socket.OnTransportError(this, "write error");
            webSocket.Abort();
            try { _receiveStop.Cancel(); } catch (ObjectDisposedException) { }
        }
        finally
        {
            // Only now may RunAsync end the request (the WebSocket must not be touched after that).
            _sendsDone.TrySetResult();
        }
    }

    /// <summary>Runs the connection until both directions are done (the request must stay open meanwhile).</summary>
    public async Task RunAsync(CancellationToken requestAborted)
    {
        var abort = requestAborted.Register(static s => ((CancellationTokenSource)s!).Cancel(), _receiveStop);
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            // The receive loop is over (the peer closed, was aborted, or something failed): nothing watches the close
            // timeout any more, so a send stuck on a peer that no longer reads is bounded here. The request (and with
            // it the WebSocket) may only end once the sending side is done.
            try
            {
                await _sendsDone.Task.WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                webSocket.Abort();
                await _sendsDone.Task.ConfigureAwait(false);
            }
            abort.Dispose();
            _receiveStop.Dispose();
        }
    }

    /// <summary>Accepts nothing: closes a WebSocket that may not join the session (duplicate upgrade...).</summary>
    public Task RejectAsync(CancellationToken requestAborted)
    {
        lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.NormalClosure);
        return RunAsync(requestAborted);
    }

    private async Task ReceiveLoopAsync()
    {
        var limit = Server.Options.MaxHttpBufferSize;
        var max = (int)Math.Min(limit + 1, Array.MaxLength);
        byte[]? buffer = null; // rented while a message arrives, returned after it
        var count = 0;
        var smallPieces = 0; // reads under 1 KiB that did not end the message (see MaxFragmentsPerMessage)
        var maxFragments = Server.Options.MaxFragmentsPerMessage;
        var discarding = false;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                if (buffer is null)
                {
                    // Between messages, wait for the next frame with a zero-byte read: an idle connection holds no
                    // receive buffer (4 KiB each otherwise, 40 MB for 10 000 clients).
                    result = await webSocket.ReceiveAsync(Memory<byte>.Empty, _receiveStop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, max));
                    if (!result.EndOfMessage) continue; // the payload follows: read it into the buffer
                }
                else
                {
                    if (count == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max));
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await webSocket.ReceiveAsync(buffer.AsMemory(count), _receiveStop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                }
                if (discarding) continue; // after a fatal error, only wait for the close handshake
                count += result.Count;
                if (count > limit)
                {
                    // Like Node's ws maxPayload: close with 1009 "message too big".
                    discarding = true;
                    count = 0;
                    Log.PayloadTooLarge(Server.Logger, Socket.Id, Name, limit);
                    Server.Metrics.Error(EngineIOMetrics.PayloadTooLarge);
                    lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.MessageTooBig);
                    Socket.OnTransportError(this, "message too big");
                    continue;
                }
                if (!result.EndOfMessage)
                {
                    // A flood of empty or tiny continuation frames makes one message cost a read each: cap it (ws
                    // 8.21 closes such a client with 1008 too).
                    if (result.Count < 1024 && ++smallPieces > maxFragments && maxFragments > 0)
                    {
                        discarding = true;
                        count = 0;
                        Log.TooManyFragments(Server.Logger, Socket.Id, maxFragments);
                        lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.PolicyViolation);
                        Socket.OnTransportError(this, "too many fragments");
                    }
                    continue;
                }
                smallPieces = 0;
                Server.Metrics.BytesReceived(count);

                EnginePacket packet = default;
                string? parseError = null;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    packet = EnginePacket.FromMessage(EngineMessage.FromBinary(buffer.AsSpan(0, count).ToArray()));
                }
                else
                {
                    try
                    {
                        packet = EnginePayloadCodec.DecodePacket(Encoding.UTF8.GetString(buffer, 0, count));
                    }
                    catch (EngineParseException e)
                    {
                        parseError = e.Message;
                    }
                }
                count = 0;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
                if (parseError is not null)
                {
                    Socket.OnTransportParseError(this, parseError);
                    continue;
                }
                t_handling = this;
                try
                {
                    Socket.OnTransportPacket(this, packet);
                }
                finally
                {
                    t_handling = null;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection was reset or the close handshake timed out: same as a close (ws "close" event).
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            // Whatever ended the loop, the session hears of it and the sending side ends with a close frame.
            Socket.OnTransportClosed(this);
            lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.NormalClosure);
        }
    }

    /// <summary>
    /// Writes the packets as frames: all in one buffer and one write on a <see cref="WebSocketFrameStream"/> (a frame
    /// over BurstBytes as its header, then its payload in place); one SendAsync each on a WebSocket we did not build
    /// (a test server's own).
    /// </summary>
    private async ValueTask SendPacketsAsync(ReadOnlyMemory<EnginePacket> packets)
    {
        if (frameStream is null)
        {
            for (var i = 0; i < packets.Length; i++)
            {
                var (payload, binary) = PayloadOf(packets.Span[i]);
                Server.Metrics.BytesSent(payload.Length);
                await webSocket.SendAsync(payload, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            return;
        }
        if (packets.Length == 1 && PayloadOf(packets.Span[0]) is { Payload.Length: > BurstBytes } large)
        {
            Server.Metrics.BytesSent(large.Payload.Length);
            var header = new byte[WebSocketFrameStream.MaxHeaderLength];
            var length = WebSocketFrameStream.WriteHeader(header, large.Binary, large.Payload.Length);
            await frameStream.WriteFramesAsync(header.AsMemory(0, length), large.Payload).ConfigureAwait(false);
            return;
        }
        var buffer = Frame(packets.Span, out var written);
        try
        {
            await frameStream.WriteFramesAsync(buffer.AsMemory(0, written)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Frames the packets into one rented buffer (header, payload, header, payload...).</summary>
    private byte[] Frame(ReadOnlySpan<EnginePacket> packets, out int written)
    {
        var size = 0;
        foreach (var packet in packets) size += WebSocketFrameStream.MaxHeaderLength + PayloadOf(packet).Payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        written = 0;
        foreach (var packet in packets)
        {
            var (payload, binary) = PayloadOf(packet);
            Server.Metrics.BytesSent(payload.Length);
            written += WebSocketFrameStream.WriteHeader(buffer.AsSpan(written), binary, payload.Length);
            payload.Span.CopyTo(buffer.AsSpan(written));
            written += payload.Length;
        }
        return buffer;
    }

    /// <summary>The frame payload of a packet, and whether it is binary (a message's bytes are built once and cached).</summary>
    private (ReadOnlyMemory<byte> Payload, bool Binary) PayloadOf(EnginePacket packet)
    {
        ReadOnlyMemory<byte> payload;
        var binary = false;
        if (packet.Message is { IsBinary: true } message)
        {
            payload = message.Data;
            binary = true;
        }
        else if (packet.Message is { } text)
        {
            payload = text.GetTextFrame();
        }
        else
        {
            payload = packet.Type switch
            {
                EnginePacketType.Ping when packet.Data.Length == 0 => PingFrame,
                EnginePacketType.Noop when packet.Data.Length == 0 => NoopFrame,
                _ => Encoding.UTF8.GetBytes(EnginePayloadCodec.EncodePacket(packet)),
            };
        }
        return (payload, binary);
    }
}
