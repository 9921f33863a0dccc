using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Realtime.SignalR.WebSockets;

/// <summary>
/// One open WebSocket seen as a <see cref="ConnectionContext"/>: the hub connection writes bytes to
/// <see cref="Transport"/>.Output and reads bytes from <see cref="Transport"/>.Input; two async loops (no thread of
/// their own) pump those bytes to and from WebSocket frames. SignalR's protocols delimit their own messages, so frame
/// boundaries carry no meaning here.
/// </summary>
/// <remarks>
/// Closing works both ways:
/// <list type="bullet">
/// <item>the server closes (or the socket breaks): <see cref="Transport"/>.Input completes (with the error, if any),
/// the hub connection sees the end of its input and raises <c>Closed</c>, or reconnects;</item>
/// <item>the hub connection stops: it completes <see cref="Transport"/>.Output and disposes this context; we send a
/// close frame and wait (at most the close timeout) for the server's.</item>
/// </list>
/// </remarks>
public sealed class WebSocketConnection : ConnectionContext, ITransferFormatFeature
{
    private readonly ClientWebSocket _socket;
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private readonly IDuplexPipe _application;          // our end: we write what arrives, we read what to send
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private Task _running = Task.CompletedTask;

    private WebSocketConnection(ClientWebSocket socket, TimeSpan closeTimeout, ILogger logger)
    {
        _socket = socket;
        _closeTimeout = closeTimeout;
        _logger = logger;

        var fromServer = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var toServer = new Pipe(new PipeOptions(useSynchronizationContext: false));
        Transport = new DuplexPipe(fromServer.Reader, toServer.Writer);
        _application = new DuplexPipe(toServer.Reader, fromServer.Writer);

        Features.Set<ITransferFormatFeature>(this);
        ConnectionClosed = _closed.Token;
    }

    internal static WebSocketConnection Start(ClientWebSocket socket, TimeSpan closeTimeout, ILogger logger)
    {
        var connection = new WebSocketConnection(socket, closeTimeout, logger);
        connection._running = connection.RunAsync();
        return connection;
    }

    /// <summary>
    /// Always null, like the official client's when negotiation is skipped: the server's connection id is only ever
    /// sent in the negotiate response. A hub method can return <c>Context.ConnectionId</c> if the client needs it.
    /// </summary>
    public override string ConnectionId { get; set; } = null!;

    /// <inheritdoc/>
    public override IFeatureCollection Features { get; } = new FeatureCollection();

    /// <inheritdoc/>
    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    /// <inheritdoc/>
    public override IDuplexPipe Transport { get; set; }

    /// <summary>The state of the underlying socket (Open, CloseSent, CloseReceived, Closed, Aborted).</summary>
    public WebSocketState State => _socket.State;

    // ITransferFormatFeature: the JSON protocol travels in text frames; a binary protocol (MessagePack) switches
    // ActiveFormat to Binary during HubConnection's start, and we send binary frames from then on.
    TransferFormat ITransferFormatFeature.SupportedFormats => TransferFormat.Text | TransferFormat.Binary;

    TransferFormat ITransferFormatFeature.ActiveFormat { get; set; } = TransferFormat.Text;

    private WebSocketMessageType MessageType =>
        ((ITransferFormatFeature)this).ActiveFormat == TransferFormat.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;

    /// <summary>Drops the connection at once, without a close handshake.</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        Log.Aborted(_logger, abortReason.Message);
        _aborted.Cancel();
        _socket.Abort();
    }

    /// <summary>Closes gracefully (close frame, then the server's answer, at most the close timeout) and frees the socket.</summary>
    public override async ValueTask DisposeAsync()
    {
        await Transport.Output.CompleteAsync();
        await Transport.Input.CompleteAsync();
        await _running;
    }

    private async Task RunAsync()
    {
        // Yield first so Start returns before any I/O completes inline.
        await Task.Yield();
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();

        if (await Task.WhenAny(receiving, sending) == receiving)
        {
            // The server closed or the socket failed: stop the sending loop; it answers the close frame.
            _application.Input.CancelPendingRead();
            await sending;
        }
        else
        {
            // The hub connection finished writing and we sent our close frame: wait for the server's, not forever.
            try
            {
                await receiving.WaitAsync(_closeTimeout);
            }
            catch (TimeoutException)
            {
                Log.CloseTimedOut(_logger, _closeTimeout);
                _aborted.Cancel();
                _socket.Abort();
                await receiving;
            }
        }

        Log.Closed(_logger, _socket.CloseStatus, _socket.CloseStatusDescription);
        _socket.Dispose();
        _closed.Cancel();
    }

    private async Task ReceiveLoopAsync()
    {
        var output = _application.Output;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = output.GetMemory(4096);
                var result = await _socket.ReceiveAsync(memory, _aborted.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.CloseStatus is not (WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable))
                    {
                        // An unexpected close: the hub connection reports it (and reconnects if told to).
                        error = new WebSocketException(
                            $"The server closed the WebSocket with status {_socket.CloseStatus} ({_socket.CloseStatusDescription}).");
                    }
                    break;
                }
                output.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    var flush = await output.FlushAsync(_aborted.Token);
                    if (flush.IsCompleted)
                    {
                        break; // the hub connection stopped reading
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            error = new ConnectionAbortedException("The connection was aborted.");
        }
        catch (Exception ex)
        {
            Log.ReceiveFailed(_logger, ex);
            error = ex;
        }
        finally
        {
            await output.CompleteAsync(error);
        }
    }

    private async Task SendLoopAsync()
    {
        var input = _application.Input;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_aborted.Token);
                var buffer = result.Buffer;
                try
                {
                    if (result.IsCanceled)
                    {
                        break; // the receiving side ended
                    }
                    if (!buffer.IsEmpty)
                    {
                        await SendAsync(buffer, _aborted.Token);
                    }
                    if (result.IsCompleted)
                    {
                        break; // the hub connection is done writing
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.End);
                }
            }
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.SendFailed(_logger, ex);
            error = ex;
        }
        finally
        {
            // Only this loop sends, so the close frame goes from here: either ours, or the answer to the server's.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _aborted.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    // The socket broke meanwhile; the receiving loop reports it.
                }
            }
            await input.CompleteAsync(error);
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, MessageType, endOfMessage: true, cancellationToken);
            return;
        }
        var position = buffer.Start;
        buffer.TryGet(ref position, out var segment);
        while (true)
        {
            var last = !buffer.TryGet(ref position, out var next);
            await _socket.SendAsync(segment, MessageType, endOfMessage: last, cancellationToken);
            if (last)
            {
                return;
            }
            segment = next;
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
