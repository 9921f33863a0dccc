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
    private static readonly byte[] Ok = "ok"u8.ToArray();

    private TaskCompletionSource<List<EnginePacket>?>? _pendingGet;
    private bool _postActive;
    private bool _shouldClose;
    private bool _closed;
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
            if (!overlap && !closed)
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
        if (waiting) Server.RaiseDiagnostic(Server.PollWaiting, Socket);

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
                response.Headers.SetCookie = EngineIOServer.FormatCookie(cookie, Socket.Id);
            }
            await response.Body.WriteAsync(bytes.AsMemory(0, length), context.RequestAborted).ConfigureAwait(false);
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
            StopCloseTimer();
            _closed = true;
            Socket.CloseLocked("forced close");
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
        try
        {
            // Engine.IO v4 sends binary as base64 text: a binary body is a protocol error.
            if (context.Request.Headers.ContentType == "application/octet-stream")
            {
                Socket.OnTransportError(this, "invalid content");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            Server.RaiseDiagnostic(Server.PostReading, Socket);
            var limit = Server.Options.MaxHttpBufferSize;
            var (body, length) = await ReadBodyAsync(context, limit).ConfigureAwait(false);
            buffer = body;
            if (body is null)
            {
                // Too large: 413 with an empty body; the session stays open (Observed in Node).
                Log.PayloadTooLarge(Server.Logger, Socket.Id, Name, limit);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentLength = 0;
                return;
            }
            released = true;   // from here OnPollingData clears _postActive when this POST's turn comes
            if (!Socket.OnPollingData(this, Encoding.UTF8.GetString(body, 0, length)))
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
            Server.RaiseDiagnostic(Server.PostAnswered, Socket);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            Socket.OnTransportError(this, "data request connection closed prematurely");
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            if (!released) lock (Socket.Gate) _postActive = false;   // not read to the end: its error answer follows
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

    /// <summary>Reads the body into a pooled buffer; (null, 0) when it exceeds <paramref name="limit"/> bytes.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpContext context, long limit)
    {
        var declared = context.Request.ContentLength;
        if (declared > limit) return (null, 0);
        var max = (int)Math.Min(limit + 1, Array.MaxLength);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 4096, 1, max));
        var length = 0;
        var body = context.Request.Body;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= max) break;
                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((long)buffer.Length * 2, 4096), max));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
        }
        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0);
        }
        return (buffer, length);
    }

    // ---------------------------------------------------------------- close

    public override void OnClientClosedLocked()
    {
        // polling.ts onClose: release a pending GET with a noop.
        if (_pendingGet is not null) Send([EnginePacket.Control(EnginePacketType.Noop)]);
        _closed = true;
        StopCloseTimer();
    }

    public override bool BeginClose(bool graceful)
    {
        if (_closed) return true;
        if (_pendingGet is not null)
        {
            // polling.ts doClose: a waiting GET carries the close packet.
            _closed = true;
            StopCloseTimer();
            Send([EnginePacket.Control(EnginePacketType.Close)]);
            return true;
        }
        if (Discarded || !graceful)
        {
            _closed = true;
            StopCloseTimer();
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
            StopCloseTimer();
            _closed = true;
            Socket.CloseLocked("forced close");
        }
        Socket.RaisePendingEvents();
    }

    private void StopCloseTimer()
    {
        _shouldClose = false;
        _closeTimer?.Dispose();
        _closeTimer = null;
    }
}
