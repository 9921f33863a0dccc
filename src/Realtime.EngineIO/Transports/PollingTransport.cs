using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Realtime.EngineIO;

/// <summary>
/// HTTP long-polling (polling.ts). A GET waits on a <see cref="TaskCompletionSource{T}"/> until the socket has
/// packets for it, then is answered with a payload; a POST carries the client's packets. No thread waits.
/// </summary>
internal sealed class PollingTransport(EngineIOSocket socket, EngineIOServer server) : EngineTransport(socket, server)
{
    /// <summary>Node's polling closeTimeout: how long a graceful close waits for the next GET.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a client's close packet waits for a GET when none is pending. Node handles a POST's packets only once
    /// its body has arrived, after the handlers of requests that came with it: a GET sent together with the POST "1"
    /// (the protocol suite does) is answered with a noop before the session closes. A client that sent "1" alone
    /// and polls no more is closed after this grace, as Node closes it at once.
    /// </summary>
    private static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(1);
    private static readonly byte[] Ok = "ok"u8.ToArray();
    /// <summary>A POST body's first buffer; it doubles as the body arrives.</summary>
    private const int InitialBodyBuffer = 4096;

    private TaskCompletionSource<List<EnginePacket>?>? _pendingGet;
    private bool _postActive;
    private CancellationTokenSource? _postReading; // stops the POST whose body is being read: it ends with the session
    private bool _shouldClose;
    private bool _closed;
    private bool _clientClosed; // the client sent "1" while no GET was pending: its next GET gets a noop, then we close
    private EngineTimer? _closeTimer;

    public override string Name => "polling";

    public override bool Writable => _pendingGet is not null;

    /// <summary>GET polls, POST sends; any other method with a sid gets 500 (polling.ts onRequest).</summary>
    public Task HandleRequestAsync(HttpContext context, Action? onAttached = null)
    {
        if (HttpMethods.IsGet(context.Request.Method)) return HandleGetAsync(context, onAttached);
        if (HttpMethods.IsPost(context.Request.Method)) return HandlePostAsync(context);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- GET

    private async Task HandleGetAsync(HttpContext context, Action? onAttached)
    {
        var pending = new TaskCompletionSource<List<EnginePacket>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool overlap, closed, waiting = false;
        lock (Socket.Gate)
        {
            closed = _closed;
            overlap = _pendingGet is not null;
            if (!overlap && !closed && _clientClosed)
            {
                // The client said "1" before this GET: answer it with a noop, then the session ends (Node keeps the
                // session until then too: its POST's body is read after the GET that came with it).
                _pendingGet = pending;
                Send([EnginePacket.Control(EnginePacketType.Noop)]);
                MarkClosedLocked();
                Socket.CloseLocked(EngineCloseReason.TransportClose);
            }
            else if (!overlap && !closed)
            {
                _pendingGet = pending;
                Socket.OnPollingReadyLocked();
                // A graceful close was waiting for this GET: answer "6\x1e1".
                if (_shouldClose && ReferenceEquals(_pendingGet, pending)) Send([EnginePacket.Control(EnginePacketType.Noop)]);
                waiting = ReferenceEquals(_pendingGet, pending);
            }
        }
        if (overlap || closed)
        {
            // Two GETs at once: the first is answered with "1", this one with 400, and the session ends.
            if (overlap) Socket.OnTransportError(this, "overlap from client");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Socket.RaisePendingEvents();
        onAttached?.Invoke();
        if (waiting) Log.PollWaiting(Server.Logger, Socket.Id);

        List<EnginePacket>? packets;
        // A client that gives up on its GET ends the session (the browser tab closed).
        using (context.RequestAborted.Register(static state =>
               {
                   var (transport, get) = ((PollingTransport, TaskCompletionSource<List<EnginePacket>?>))state!;
                   transport.OnGetAborted(get);
               }, (this, pending)))
        {
            packets = await pending.Task.ConfigureAwait(false);
        }
        if (packets is null) return;

        // A lone text message is the same bytes as its WebSocket frame, which the message caches ("4" + UTF-8):
        // a broadcast to many polling clients encodes it once.
        byte[] bytes;
        int length;
        byte[]? rented = null;
        if (packets is [{ Message: { IsBinary: false } single }])
        {
            bytes = single.GetTextFrame();
            length = bytes.Length;
        }
        else
        {
            var payload = EnginePayloadCodec.EncodePayload(packets);
            length = Encoding.UTF8.GetByteCount(payload);
            bytes = rented = ArrayPool<byte>.Shared.Rent(length);
            Encoding.UTF8.GetBytes(payload, bytes);
        }
        try
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/plain; charset=UTF-8";
            response.ContentLength = length;
            response.Headers.CacheControl = "no-store";
            if (!context.Request.Query.ContainsKey("sid") && Server.Options.Cookie is { } cookie)
            {
                response.Headers.SetCookie = EngineIOServer.FormatCookie(cookie, Socket.Id, context.Request.IsHttps);
            }
            await response.Body.WriteAsync(bytes.AsMemory(0, length), context.RequestAborted).ConfigureAwait(false);
            Server.Metrics.BytesSent(length);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away while we answered; the session already knows or will time out.
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void OnGetAborted(TaskCompletionSource<List<EnginePacket>?> pending)
    {
        lock (Socket.Gate)
        {
            if (!ReferenceEquals(_pendingGet, pending)) return;
            _pendingGet = null;
        }
        pending.TrySetResult(null);
        Socket.OnTransportError(this, "poll connection closed prematurely");
    }

    public override void Send(List<EnginePacket> packets)
    {
        var get = _pendingGet;
        if (get is null) return;
        _pendingGet = null;
        packets = [.. packets];
        if (_shouldClose)
        {
            packets.Add(EnginePacket.Control(EnginePacketType.Close));
            MarkClosedLocked();
            Socket.CloseLocked(EngineCloseReason.ForcedClose);
        }
        get.TrySetResult(packets);
    }

    // ---------------------------------------------------------------- POST

    private async Task HandlePostAsync(HttpContext context)
    {
        bool overlap;
        lock (Socket.Gate)
        {
            overlap = _postActive;
            _postActive = true;
        }
        if (overlap)
        {
            Socket.OnTransportError(this, "data request overlap from client");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        byte[]? buffer = null;
        var released = false;
        var length = 0;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            // Engine.IO v4 sends binary as base64 text: a binary body is a protocol error.
            if (context.Request.Headers.ContentType == "application/octet-stream")
            {
                Socket.OnTransportError(this, "invalid content");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            lock (Socket.Gate)
            {
                if (_closed)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                _postReading = reading;
            }
            Log.PostReading(Server.Logger, Socket.Id);
            var limit = Server.Options.MaxHttpBufferSize;
            (buffer, length) = await ReadBodyAsync(context, limit, reading.Token).ConfigureAwait(false);
            lock (Socket.Gate) _postReading = null;
            Server.Metrics.BytesReceived(length);
            if (length > limit)
            {
                // Too large: 413 with an empty body; the session stays open (Observed in Node).
                Log.PayloadTooLarge(Server.Logger, Socket.Id, Name, limit);
                Server.Metrics.Error(EngineIOMetrics.PayloadTooLarge);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentLength = 0;
                return;
            }
            released = true;   // from here OnPollingData clears _postActive when this POST's turn comes
            if (!Socket.OnPollingData(this, Encoding.UTF8.GetString(buffer!, 0, length)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            // text/html rather than text/plain avoids a download dialog in old browsers (engine.io GH-43).
            response.ContentType = "text/html";
            response.ContentLength = 2;
            response.Headers.CacheControl = "no-store";
            await response.Body.WriteAsync(Ok, context.RequestAborted).ConfigureAwait(false);
            Log.PostAnswered(Server.Logger, Socket.Id);
        }
        catch (Exception e) when (!released && e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The body did not arrive whole: cut off by Kestrel's minimum data rate (408), shorter than its
            // Content-Length (400), the client gone, or the session ended while it arrived (the request is aborted).
            // None of its packets is acted on, and it is never answered with success: the client must not believe
            // they were delivered. Node's dataReq "close" ends the session the same way.
            lock (Socket.Gate)
            {
                // Taken first, so that the session's close below does not abort this request's own answer.
                if (ReferenceEquals(_postReading, reading)) _postReading = null;
            }
            var endedWithSession = reading.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested;
            var status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            Log.PostBodyIncomplete(Server.Logger, Socket.Id, length, context.Request.ContentLength, status, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = status;
                context.Response.ContentLength = 0;
            }
            Socket.OnTransportError(this, "data request connection closed prematurely");
            // The session ended while this body arrived: end the connection too (Node destroys the request), rather
            // than answer and leave Kestrel to drain the rest of a body that may never come.
            if (endedWithSession) context.Abort();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away while we answered "ok": its packets were handled.
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            if (!released)
            {
                lock (Socket.Gate)
                {
                    _postActive = false;   // not read to the end: its error answer follows
                    if (ReferenceEquals(_postReading, reading)) _postReading = null;
                }
            }
        }
    }

    /// <summary>
    /// A POST's body is read and its packets are next in turn: it sends no more data, so it stops counting as active.
    /// The client may send its next POST before this one is answered: when it reads a reply these packets caused (a
    /// CONNECT on the pending GET) or the moment it reads "ok", perhaps while this request is still ending. That POST
    /// is no overlap (Node, on one thread, clears its dataReq before it reads another request); it waits its turn.
    /// </summary>
    internal void OnPostDispatching()
    {
        lock (Socket.Gate) _postActive = false;
    }

    /// <summary>
    /// Reads the body into a pooled buffer sized by the bytes that arrive, not by the <c>Content-Length</c> the client
    /// announces: a client that announces 1 MB and trickles it holds only what it sent (300 such POSTs reserved
    /// 470 MB when the buffer was rented at the announced size). Returns a length over <paramref name="limit"/> (and
    /// no buffer) when the body is too large.
    /// </summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var declared = context.Request.ContentLength;
        if (declared > limit) return (null, (int)Math.Min(declared.Value, int.MaxValue));
        // The buffer doubles as bytes arrive (like the WebSocket receive loop), up to the announced length when
        // there is one (Kestrel delivers no more than that), else one byte past the limit (to see it exceeded).
        var max = (int)Math.Min(declared ?? limit + 1, Array.MaxLength);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(max, 1, InitialBodyBuffer));
        var length = 0;
        var body = context.Request.Body;
        try
        {
            while (length < max)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, length);
        }
        return (buffer, length);
    }

    // ---------------------------------------------------------------- close

    public override void OnClientClosedLocked()
    {
        // polling.ts onClose: release a pending GET with a noop.
        if (_pendingGet is not null) Send([EnginePacket.Control(EnginePacketType.Noop)]);
        MarkClosedLocked();
    }

    /// <summary>
    /// (locked) The client sent a close packet while no GET is pending: the session waits (at most
    /// <see cref="ClientCloseGrace"/>) for a GET sent with it, which is answered with a noop before the session closes.
    /// </summary>
    public void OnClientClosedWithoutGetLocked()
    {
        if (_clientClosed || _closed) return;
        _clientClosed = true;
        _closeTimer = new EngineTimer(Server, OnClientCloseTimeout, ClientCloseGrace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>(locked) The client has said goodbye: what else it sends is ignored.</summary>
    public bool ClientClosed => _clientClosed;

    private void OnClientCloseTimeout(EngineTimer timer)
    {
        lock (Socket.Gate)
        {
            if (!ReferenceEquals(timer, _closeTimer)) return;
            MarkClosedLocked();
            Socket.CloseLocked(EngineCloseReason.TransportClose);
        }
        Socket.RaisePendingEvents();
    }

    public override bool BeginClose(bool graceful)
    {
        if (_closed) return true;
        if (_clientClosed)
        {
            MarkClosedLocked();
            return true;
        }
        if (_pendingGet is not null)
        {
            // polling.ts doClose: a waiting GET carries the close packet.
            MarkClosedLocked();
            Send([EnginePacket.Control(EnginePacketType.Close)]);
            return true;
        }
        if (Discarded || !graceful)
        {
            MarkClosedLocked();
            return true;
        }
        if (!_shouldClose)
        {
            _shouldClose = true;
            _closeTimer = new EngineTimer(Server, OnCloseTimeout, CloseTimeout, Timeout.InfiniteTimeSpan);
        }
        return false;
    }

    private void OnCloseTimeout(EngineTimer timer)
    {
        lock (Socket.Gate)
        {
            if (!ReferenceEquals(timer, _closeTimer)) return;
            MarkClosedLocked();
            Socket.CloseLocked(EngineCloseReason.ForcedClose);
        }
        Socket.RaisePendingEvents();
    }

    /// <summary>
    /// (locked) The transport is closed. A POST whose body is still arriving ends with it, at once (polling.ts doClose
    /// destroys its dataReq): otherwise a client trickling a body would keep its request, and the memory it holds,
    /// long after its session is gone.
    /// </summary>
    private void MarkClosedLocked()
    {
        _closed = true;
        StopCloseTimer();
        if (_postReading is { } post)
        {
            _postReading = null;
            // Cancelling runs callbacks: never under the lock. The POST may have ended meanwhile (and disposed it).
            ThreadPool.UnsafeQueueUserWorkItem(static reading =>
            {
                try { reading.Cancel(); } catch (ObjectDisposedException) { }
            }, post, preferLocal: false);
        }
    }

    private void StopCloseTimer()
    {
        _shouldClose = false;
        _closeTimer?.Dispose();
        _closeTimer = null;
    }
}
