using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Realtime.EngineIO;

/// <summary>
/// The WebSocket transport (websocket.ts): one packet per frame, binary messages as raw binary frames.
/// An async receive loop reads frames; a single-writer send loop drains a lock-free channel, so any thread may
/// queue packets without waiting and frames never interleave. No thread is held while idle.
/// </summary>
internal sealed class WebSocketTransport(EngineIOSocket socket, EngineIOServer server, WebSocket webSocket)
    : EngineTransport(socket, server)
{
    /// <summary>How long a closing WebSocket may take to flush and exchange close frames before it is aborted.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] PingFrame = "2"u8.ToArray();
    private static readonly byte[] NoopFrame = "6"u8.ToArray();

    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly CancellationTokenSource _receiveStop = new();
    private bool _closed;

    /// <summary>A queued frame: a packet, or the close frame that ends the send loop.</summary>
    private readonly record struct Outgoing(EnginePacket Packet, WebSocketCloseStatus? CloseStatus);

    public override string Name => "websocket";

    public override bool Writable => !_closed;

    public override void Send(List<EnginePacket> packets)
    {
        if (_closed) return;
        foreach (var packet in packets) _outgoing.Writer.TryWrite(new Outgoing(packet, null));
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
        _outgoing.Writer.TryWrite(new Outgoing(default, status));
        _outgoing.Writer.TryComplete();
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

    /// <summary>Runs the connection until both directions are done (the request must stay open meanwhile).</summary>
    public async Task RunAsync(CancellationToken requestAborted)
    {
        var abort = requestAborted.Register(static s => ((CancellationTokenSource)s!).Cancel(), _receiveStop);
        try
        {
            var sending = SendLoopAsync();
            await ReceiveLoopAsync().ConfigureAwait(false);
            // The receive loop is over (the peer closed, or was aborted): nothing watches the close timeout any more,
            // so a send stuck on a peer that no longer reads is bounded here.
            try
            {
                await sending.WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                webSocket.Abort();
                await sending.ConfigureAwait(false);
            }
        }
        finally
        {
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
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, max));
        var count = 0;
        var discarding = false;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max));
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var result = await webSocket.ReceiveAsync(buffer.AsMemory(count), _receiveStop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (discarding) continue; // after a fatal error, only wait for the close handshake
                count += result.Count;
                if (count > limit)
                {
                    // Like Node's ws maxPayload: close with 1009 "message too big".
                    discarding = true;
                    count = 0;
                    Log.PayloadTooLarge(Server.Logger, Socket.Id, Name, limit);
                    lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.MessageTooBig);
                    Socket.OnTransportError(this, "message too big");
                    continue;
                }
                if (!result.EndOfMessage) continue;

                EnginePacket packet;
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
                        count = 0;
                        Socket.OnTransportParseError(this, e.Message);
                        continue;
                    }
                }
                count = 0;
                Socket.OnTransportPacket(this, packet);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection was reset or the close handshake timed out: same as a close (ws "close" event).
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Socket.OnTransportClosed(this);
        lock (Socket.Gate) CloseLocked(WebSocketCloseStatus.NormalClosure);
    }

    private async Task SendLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.CloseStatus is { } status)
                    {
                        if (webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        {
                            await webSocket.CloseOutputAsync(status, null, CancellationToken.None).ConfigureAwait(false);
                        }
                        return;
                    }
                    await SendPacketAsync(item.Packet).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Socket.OnTransportError(this, "write error");
            webSocket.Abort();
            try { _receiveStop.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    private ValueTask SendPacketAsync(EnginePacket packet)
    {
        if (packet.Message is { } message)
        {
            return message.IsBinary
                ? webSocket.SendAsync(message.Data, WebSocketMessageType.Binary, true, CancellationToken.None)
                : webSocket.SendAsync(message.GetTextFrame().AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        var frame = packet.Type switch
        {
            EnginePacketType.Ping when packet.Data.Length == 0 => PingFrame,
            EnginePacketType.Noop when packet.Data.Length == 0 => NoopFrame,
            _ => Encoding.UTF8.GetBytes(EnginePayloadCodec.EncodePacket(packet)),
        };
        return webSocket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
    }
}
