using Microsoft.Extensions.Logging;

namespace Realtime.EngineIO;

/// <summary>The state of an Engine.IO session.</summary>
public enum EngineSocketState
{
    /// <summary>Being created (before the handshake packet is queued).</summary>
    Opening,
    /// <summary>Exchanging packets.</summary>
    Open,
    /// <summary><see cref="EngineIOSocket.Close"/> was called: flushing, then closing.</summary>
    Closing,
    /// <summary>Over; the Closed event was raised.</summary>
    Closed,
}

/// <summary>
/// One Engine.IO session (Node's engine.io <c>Socket</c>): a write buffer, the current transport, the server-driven
/// heartbeat and the polling → websocket upgrade.
/// </summary>
/// <remarks>
/// Concurrency: all state (the socket's and its transports') is guarded by <see cref="Gate"/>, held only for short,
/// non-blocking work. Application events are never raised while holding it: a method that closes the session under
/// the lock records the Closed event and raises it after leaving the lock (<see cref="RaisePendingEvents"/>).
/// Incoming packets are processed under <see cref="_dispatchGate"/>, so Message handlers never run concurrently.
/// </remarks>
public sealed class EngineIOSocket
{
    internal readonly object Gate = new();
    private readonly object _dispatchGate = new();
    private readonly EngineIOServer _server;
    private readonly ILogger _logger;

    private EngineTransport _transport = null!;
    private EngineSocketState _state = EngineSocketState.Opening;
    private readonly List<EnginePacket> _writeBuffer = [];
    private long _writeBufferBytes;
    private bool _closeAfterFlush;
    private (EngineCloseReason Reason, string? Description)? _pendingClosed;
    private volatile bool _hasPendingEvents;
    private bool _eventsDeferred; // the pending events are raised from the thread pool (see WriteBufferFullLocked)

    // heartbeat (socket.ts schedulePing / resetPingTimeout)
    private EngineTimer? _pingIntervalTimer;
    private EngineTimer? _pingTimeoutTimer;
    private bool _pingTimeoutRefreshed;
    private DateTimeOffset _pingDueAt; // when the next ping is scheduled (not when its timer happens to fire)
    private DateTimeOffset _pingDeadline = DateTimeOffset.MaxValue; // the pong must come before this

    // upgrade (socket.ts _maybeUpgrade)
    private WebSocketTransport? _probe;
    private EngineTimer? _upgradeTimer;
    private EngineTimer? _noopTimer;
    private bool _upgraded;
    private long _openedAt; // Stopwatch timestamp, for engineio.server.connection.duration

    internal EngineIOSocket(EngineIOServer server, string id, EngineHandshake handshake, IServiceProvider services)
    {
        _server = server;
        _logger = server.Logger;
        Id = id;
        LogId = id.Length > 6 ? id[..6] + "…" : id;
        Handshake = handshake;
        RequestServices = services;
    }

    /// <summary>The session id: 20 URL-safe base64 characters from 15 random bytes.</summary>
    public string Id { get; }

    /// <summary>
    /// The first six characters of <see cref="Id"/>, for log lines at any level. The whole id is a bearer secret while
    /// the session polls (whoever holds it reads and sends as the client), so the library writes it only at Debug;
    /// Information and above name the session by this prefix, which a Debug log maps back to the session.
    /// </summary>
    public string LogId { get; }

    /// <summary>The current transport: "polling" or "websocket".</summary>
    public string Transport
    {
        get { lock (Gate) return _transport.Name; }
    }

    /// <summary>The session state.</summary>
    public EngineSocketState ReadyState
    {
        get { lock (Gate) return _state; }
    }

    /// <summary>The request that opened the session.</summary>
    public EngineHandshake Handshake { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider RequestServices { get; }

    /// <summary>Raised for each message from the client, in order, one at a time for this socket. Handlers must not block.</summary>
    public event Action<EngineIOSocket, EngineMessage>? Message;

    /// <summary>
    /// Raised once when the session ends, with the reason (<see cref="EngineCloseReason"/>; its Node string is
    /// <see cref="EngineCloseReasonExtensions.ToNodeString"/>) and an optional description ("write buffer full", …).
    /// </summary>
    public event Action<EngineIOSocket, EngineCloseReason, string?>? Closed;

    /// <summary>Raised when the transport switched to websocket.</summary>
    public event Action<EngineIOSocket>? Upgraded;

    /// <summary>
    /// Raised for each message <see cref="Send(EngineMessage)"/> or <see cref="SendVolatile"/> queued (Node's <c>packetCreate</c>), on the sender's
    /// thread, after the queue lock is released: for counters such as the admin dashboard's. Keep handlers cheap.
    /// </summary>
    public event Action<EngineIOSocket, EngineMessage>? MessageQueued;

    internal EngineTransport CurrentTransport
    {
        get { lock (Gate) return _transport; }
    }

    // ---------------------------------------------------------------- sending

    /// <summary>Queues a message; never blocks; dropped once closing or closed. Thread-safe.</summary>
    public void Send(EngineMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (Gate)
        {
            if (_state is EngineSocketState.Closing or EngineSocketState.Closed) return;
            AddToWriteBufferLocked(EnginePacket.FromMessage(message));
            FlushLocked();
        }
        RaisePendingEvents();
        if (MessageQueued is { } queued) RaiseQueued(queued, message);
    }

    /// <summary>Queues several messages atomically (no other Send interleaves), e.g. a packet and its attachments.</summary>
    public void Send(IReadOnlyList<EngineMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (Gate)
        {
            if (_state is EngineSocketState.Closing or EngineSocketState.Closed) return;
            foreach (var message in messages) AddToWriteBufferLocked(EnginePacket.FromMessage(message));
            FlushLocked();
        }
        RaisePendingEvents();
        if (MessageQueued is { } queued)
            foreach (var message in messages) RaiseQueued(queued, message);
    }

    /// <summary>
    /// Sends <paramref name="messages"/> only if the transport can take them this instant, else drops them (Node's
    /// <c>volatile</c> flag): polling needs a GET waiting, WebSocket no earlier frame still being written. Returns
    /// whether they were sent. For data that is stale once late (positions, live counters). Thread-safe.
    /// </summary>
    public bool SendVolatile(IReadOnlyList<EngineMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (Gate)
        {
            if (_state != EngineSocketState.Open || _writeBuffer.Count > 0 || !_transport.WritableNow) return false;
            foreach (var message in messages) AddToWriteBufferLocked(EnginePacket.FromMessage(message));
            FlushLocked();
        }
        RaisePendingEvents();
        if (MessageQueued is { } queued)
            foreach (var message in messages) RaiseQueued(queued, message);
        return true;
    }

    // A handler that throws is logged and does not reach the sender (a broadcast goes on to its other receivers).
    private void RaiseQueued(Action<EngineIOSocket, EngineMessage> handlers, EngineMessage message) =>
        EventRaiser.Raise(handlers, (Socket: this, Message: message), static (handler, s) => handler(s.Socket, s.Message), _logger, LogId, "MessageQueued");

    /// <summary>Queues a text message.</summary>
    public void Send(string text) => Send(EngineMessage.FromText(text));

    /// <summary>Queues a binary message.</summary>
    public void Send(ReadOnlyMemory<byte> data) => Send(EngineMessage.FromBinary(data));

    /// <summary>Flushes what is queued, then closes the session (<see cref="EngineCloseReason.ForcedClose"/>).</summary>
    public void Close()
    {
        lock (Gate)
        {
            if (_state != EngineSocketState.Open) return;
            _state = EngineSocketState.Closing;
            // Node waits for the buffer to reach the transport before closing it.
            if (_writeBuffer.Count > 0) _closeAfterFlush = true;
            else CloseTransportLocked();
        }
        RaisePendingEvents();
    }

    private void SendPacketLocked(EnginePacketType type, string data = "")
    {
        if (_state is EngineSocketState.Closing or EngineSocketState.Closed) return;
        AddToWriteBufferLocked(EnginePacket.Control(type, data));
        FlushLocked();
    }

    private void AddToWriteBufferLocked(EnginePacket packet)
    {
        _writeBuffer.Add(packet);
        _writeBufferBytes += packet.Size;
    }

    /// <summary>Hands the write buffer to the transport if it can take it (a pending GET, or an open WebSocket).</summary>
    internal void FlushLocked()
    {
        if (_state == EngineSocketState.Closed || _writeBuffer.Count == 0) return;
        if (!_transport.Writable)
        {
            // Nothing takes the buffer now (no GET pending, or an upgrade under way): it may not grow without bound.
            // Like the WebSocket's write under way, the oldest packet (the next answer's) is not counted.
            if (IsOverBufferLimit(_writeBufferBytes - _writeBuffer[0].Size)) WriteBufferFullLocked();
            return;
        }
        _transport.Send(_writeBuffer); // the transport copies what it keeps: the buffer is reused
        _server.Metrics.PacketsSent(_writeBuffer.Count);
        _writeBuffer.Clear();
        _writeBufferBytes = 0;
        if (_closeAfterFlush)
        {
            _closeAfterFlush = false;
            CloseTransportLocked();
        }
    }

    /// <summary>True when <paramref name="waiting"/> bytes are more than <see cref="EngineIOServerOptions.MaxBufferedBytes"/> allows.</summary>
    internal bool IsOverBufferLimit(long waiting) => _server.Options.MaxBufferedBytes is var limit && limit > 0 && waiting > limit;

    /// <summary>(locked) Too much waits for a client that does not read: drop it and close the session.</summary>
    internal void WriteBufferFullLocked()
    {
        Log.WriteBufferFull(_logger, LogId, _server.Options.MaxBufferedBytes);
        CloseLocked(EngineCloseReason.TransportError, "write buffer full");
        // This runs inside a Send: raise Closed from the thread pool instead, so that code sending in a loop (say,
        // over its list of users) never sees one of them disconnect in the middle of it. Node never closes in send().
        _eventsDeferred = true;
        ThreadPool.UnsafeQueueUserWorkItem(static socket =>
        {
            lock (socket.Gate) socket._eventsDeferred = false;
            socket.RaisePendingEvents();
        }, this, preferLocal: false);
    }

    private void CloseTransportLocked()
    {
        // Polling may defer the close until the client's next GET (which then receives "6\x1e1").
        if (_transport.BeginClose(graceful: true)) CloseLocked(EngineCloseReason.ForcedClose);
    }

    // ---------------------------------------------------------------- lifecycle

    /// <summary>Attaches the first transport and queues the handshake packet (socket.ts onOpen).</summary>
    internal void Open(EngineTransport transport)
    {
        lock (Gate)
        {
            _transport = transport;
            _state = EngineSocketState.Open;
            _openedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            _server.Metrics.Opened(transport.Name);
            var options = _server.Options;
            var upgrades = transport.Name == "polling" && options.AllowUpgrades && options.Transports.Contains("websocket")
                ? "[\"websocket\"]" : "[]";
            var json = $"{{\"sid\":\"{Id}\",\"upgrades\":{upgrades},\"pingInterval\":{(long)options.PingInterval.TotalMilliseconds}," +
                       $"\"pingTimeout\":{(long)options.PingTimeout.TotalMilliseconds},\"maxPayload\":{options.MaxHttpBufferSize}}}";
            AddToWriteBufferLocked(EnginePacket.Control(EnginePacketType.Open, json));
            _pingDueAt = _server.TimeProvider.GetUtcNow() + options.PingInterval;
            _pingIntervalTimer = new EngineTimer(_server, OnPingIntervalElapsed, options.PingInterval, Timeout.InfiniteTimeSpan);
            FlushLocked();
        }
    }

    /// <summary>Closes the session (socket.ts onClose) and raises Closed once.</summary>
    internal void OnClose(EngineCloseReason reason, string? description = null)
    {
        lock (Gate) CloseLocked(reason, description);
        RaisePendingEvents();
    }

    /// <summary>Closes the session under the lock; the Closed event is raised by <see cref="RaisePendingEvents"/>.</summary>
    internal void CloseLocked(EngineCloseReason reason, string? description = null)
    {
        if (_state == EngineSocketState.Closed) return;
        _state = EngineSocketState.Closed;
        _pingIntervalTimer?.Dispose();
        _pingIntervalTimer = null;
        _pingTimeoutTimer?.Dispose();
        _pingTimeoutTimer = null;
        if (_probe is { } probe)
        {
            CleanupUpgradeLocked();
            probe.BeginClose(graceful: false);
        }
        _writeBuffer.Clear();
        _writeBufferBytes = 0;
        _closeAfterFlush = false;
        _transport.BeginClose(graceful: false);
        _server.RemoveClient(this);
        _server.Metrics.Closed(_transport.Name, reason, _openedAt);
        if (reason == EngineCloseReason.ParseError) _server.Metrics.Error(EngineIOMetrics.ParseError);
        else if (reason == EngineCloseReason.TransportError) _server.Metrics.Error(EngineIOMetrics.TransportError);
        _pendingClosed = (reason, description);
        _hasPendingEvents = true;
    }

    /// <summary>Raises the events recorded under the lock. Call after every locked section that may close.</summary>
    internal void RaisePendingEvents()
    {
        // Every path that closes under the lock calls this afterwards on the same thread, so a plain read is enough
        // to skip the lock in the common case (nothing to raise).
        if (!_hasPendingEvents) return;
        (EngineCloseReason Reason, string? Description)? closed;
        lock (Gate)
        {
            if (_eventsDeferred) return;
            closed = _pendingClosed;
            _pendingClosed = null;
            _hasPendingEvents = false;
        }
        if (closed is not { } c) return;
        Log.ConnectionClosed(_logger, Id, c.Reason.ToNodeString(), c.Description);
        EventRaiser.Raise(Closed, (Socket: this, c.Reason, c.Description),
            static (handler, s) => handler(s.Socket, s.Reason, s.Description), _logger, LogId, "Closed");
    }

    // ---------------------------------------------------------------- heartbeat

    private void OnPingIntervalElapsed(EngineTimer timer)
    {
        lock (Gate)
        {
            if (_state == EngineSocketState.Closed || !ReferenceEquals(timer, _pingIntervalTimer)) return;
            _pingTimeoutRefreshed = false;
            SendPacketLocked(EnginePacketType.Ping);
            // The timeout counts from when the ping was due, not from when this timer fired: a timer that fires late
            // (the first one on a fresh server can be a few ms late) must not give the client that much more time.
            _pingDeadline = _pingDueAt + _server.Options.PingTimeout;
            var remaining = _pingDeadline - _server.TimeProvider.GetUtcNow();
            if (remaining < TimeSpan.Zero) remaining = TimeSpan.Zero;
            if (_pingTimeoutTimer is null) _pingTimeoutTimer = new EngineTimer(_server, OnPingTimeout, remaining, Timeout.InfiniteTimeSpan);
            else _pingTimeoutTimer.Restart(remaining);
        }
        RaisePendingEvents();
    }

    /// <summary>
    /// A request for this session arrives: if its pong is overdue but the timeout timer has not fired yet (timers can
    /// be late by a few ms), the session ends now, so no request is served past the deadline. True when it ended.
    /// </summary>
    internal bool ExpireIfPingTimedOut()
    {
        lock (Gate)
        {
            if (_state == EngineSocketState.Closed || _pingTimeoutTimer is null
                || _server.TimeProvider.GetUtcNow() < _pingDeadline) return false;
            CloseLocked(EngineCloseReason.PingTimeout);
        }
        RaisePendingEvents();
        return true;
    }

    private void OnPingTimeout(EngineTimer timer)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(timer, _pingTimeoutTimer)) return;
            CloseLocked(EngineCloseReason.PingTimeout);
        }
        RaisePendingEvents();
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// Runs <paramref name="action"/> as an incoming message is handled: never at the same time as a Message handler.
    /// For work that finishes a message's handling later, on another thread (Socket.IO's namespace join after an
    /// asynchronous middleware), so that the client's next packets wait for it. Keep <paramref name="action"/> short
    /// and non-blocking: this session's incoming packets wait for it.
    /// </summary>
    /// <example>
    /// <code>
    /// _ = Task.Run(async () =&gt;
    /// {
    ///     await CheckAsync();                                       // off the dispatch, packets keep coming in...
    ///     engine.RunAsDispatch(static s =&gt; s.Join(), state);        // ...and wait here while the join runs
    /// });
    /// </code>
    /// </example>
    public void RunAsDispatch<TState>(Action<TState> action, TState state)
    {
        lock (_dispatchGate) action(state);
    }

    /// <summary>A packet from one of this socket's transports (the current one, or the WebSocket being probed).</summary>
    internal void OnTransportPacket(EngineTransport transport, EnginePacket packet)
    {
        lock (_dispatchGate)
        {
            if (transport is WebSocketTransport ws && IsProbe(ws)) OnProbePacket(ws, packet);
            else OnPacket(transport, packet);
        }
    }

    /// <summary>
    /// A polling POST body: decode it and process every packet in order (polling.ts onData). Returns false when the
    /// body ended the session with an error (parse error, invalid heartbeat...): Node then destroys the POST, we
    /// answer it with 400. Once its turn has come, the POST stops counting as active (see
    /// <see cref="PollingTransport.OnPostDispatching"/>): the next one is dispatched after it.
    /// </summary>
    internal bool OnPollingData(PollingTransport transport, string payload)
    {
        lock (_dispatchGate)
        {
            transport.OnPostDispatching();
            // Count before decoding: a payload over the cap is refused whole, none of its packets handled.
            var max = _server.Options.MaxPayloadPackets;
            if (max > 0 && payload.AsSpan().Count(EnginePayloadCodec.Separator) >= max)
            {
                var count = payload.AsSpan().Count(EnginePayloadCodec.Separator) + 1;
                Log.TooManyPackets(_logger, Id, count, max);
                OnClose(EngineCloseReason.ParseError, $"{count} packets in one payload, over the limit of {max}");
                return false;
            }
            IReadOnlyList<EnginePacket> packets;
            EngineParseException? error = null;
            try
            {
                packets = EnginePayloadCodec.DecodePayload(payload);
            }
            catch (EngineParseException e)
            {
                packets = e.DecodedBeforeError;
                error = e;
            }
            lock (Gate)
            {
                if (transport.ClientClosed) return true; // it said goodbye already: nothing more is handled
            }
            foreach (var packet in packets)
            {
                if (packet.Type == EnginePacketType.Close)
                {
                    // The client leaves: a pending GET is answered with a noop, then the session closes. Without a
                    // pending GET, the session waits for the next one and answers it so (as Node, see the transport).
                    lock (Gate)
                    {
                        if (!ReferenceEquals(transport, _transport)) return true;
                        if (transport.Writable)
                        {
                            transport.OnClientClosedLocked();
                            CloseLocked(EngineCloseReason.TransportClose);
                        }
                        else
                        {
                            transport.OnClientClosedWithoutGetLocked();
                        }
                    }
                    RaisePendingEvents();
                    return true;
                }
                OnPacket(transport, packet);
            }
            if (error is not null) OnClose(EngineCloseReason.ParseError, error.Message);
            return ReadyState != EngineSocketState.Closed;
        }
    }

    private void OnPacket(EngineTransport transport, EnginePacket packet)
    {
        EngineMessage? message = null;
        lock (Gate)
        {
            if (_state != EngineSocketState.Open || !ReferenceEquals(transport, _transport)) return;
            _server.Metrics.PacketReceived();
            // Any packet while waiting for a pong proves the client is alive: extend the timeout once (socket.ts).
            if (_pingTimeoutTimer is not null && !_pingTimeoutRefreshed && packet.Type != EnginePacketType.Pong)
            {
                _pingTimeoutTimer.Restart(_server.Options.PingTimeout);
                _pingDeadline = _server.TimeProvider.GetUtcNow() + _server.Options.PingTimeout;
                _pingTimeoutRefreshed = true;
            }
            switch (packet.Type)
            {
                case EnginePacketType.Ping:
                    // In v4 only the server pings.
                    CloseLocked(EngineCloseReason.TransportError, "invalid heartbeat direction");
                    break;
                case EnginePacketType.Pong:
                    // Only a pong that answers our ping restarts the interval: unsolicited pongs would otherwise put
                    // off the next ping (and with it the ping timeout) for ever. (Node restarts it on any pong.)
                    if (_pingTimeoutTimer is null) break;
                    _pingTimeoutTimer.Dispose();
                    _pingTimeoutTimer = null;
                    _pingDeadline = DateTimeOffset.MaxValue;
                    _pingDueAt = _server.TimeProvider.GetUtcNow() + _server.Options.PingInterval;
                    _pingIntervalTimer?.Restart(_server.Options.PingInterval);
                    break;
                case EnginePacketType.Close:
                    // Node 6.6 ignores "1" on a WebSocket (the client closes the socket right after); closing now is cleaner.
                    CloseLocked(EngineCloseReason.TransportClose);
                    break;
                case EnginePacketType.Message:
                    message = packet.Message;
                    break;
            }
        }
        RaisePendingEvents();
        if (message is null) return;
        EventRaiser.Raise(Message, (Socket: this, Message: message),
            static (handler, s) => handler(s.Socket, s.Message), _logger, LogId, "Message");
    }

    /// <summary>A transport failed (overlapping requests, aborted GET, write error, oversize frame...).</summary>
    internal void OnTransportError(EngineTransport transport, string error)
    {
        lock (Gate)
        {
            if (transport is WebSocketTransport ws && IsProbe(ws))
            {
                AbandonUpgradeLocked(error);
                return;
            }
            if (!ReferenceEquals(transport, _transport) || _state == EngineSocketState.Closed) return;
            Log.TransportError(_logger, Id, transport.Name, error);
            CloseLocked(EngineCloseReason.TransportError, error);
        }
        RaisePendingEvents();
    }

    /// <summary>A WebSocket frame that is not an Engine.IO packet: the session closes with <see cref="EngineCloseReason.ParseError"/>.</summary>
    internal void OnTransportParseError(EngineTransport transport, string error)
    {
        lock (Gate)
        {
            if (transport is WebSocketTransport ws && IsProbe(ws))
            {
                AbandonUpgradeLocked(error);
                return;
            }
            if (!ReferenceEquals(transport, _transport)) return;
            CloseLocked(EngineCloseReason.ParseError, error);
        }
        RaisePendingEvents();
    }

    /// <summary>The transport's connection ended (WebSocket closed by the peer or reset).</summary>
    internal void OnTransportClosed(EngineTransport transport)
    {
        lock (Gate)
        {
            if (transport is WebSocketTransport ws && IsProbe(ws))
            {
                AbandonUpgradeLocked("transport closed");
                return;
            }
            if (!ReferenceEquals(transport, _transport)) return;
            CloseLocked(EngineCloseReason.TransportClose);
        }
        RaisePendingEvents();
    }

    /// <summary>A GET arrived on the polling transport (transport "ready"): flush what waits for it.</summary>
    internal void OnPollingReadyLocked() => FlushLocked();

    // ---------------------------------------------------------------- upgrade

    private bool IsProbe(WebSocketTransport ws)
    {
        lock (Gate) return ReferenceEquals(ws, _probe);
    }

    /// <summary>A WebSocket arrived with this sid: start probing it, unless an upgrade is done or under way.</summary>
    internal bool TryBeginUpgrade(WebSocketTransport probe)
    {
        lock (Gate)
        {
            if (_state == EngineSocketState.Closed || _upgraded || _probe is not null || _transport is not PollingTransport
                || !_server.Options.AllowUpgrades)
            {
                return false;
            }
            _probe = probe;
            _upgradeTimer = new EngineTimer(_server, OnUpgradeTimeout, _server.Options.UpgradeTimeout, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private void OnProbePacket(WebSocketTransport probe, EnginePacket packet)
    {
        var upgraded = false;
        lock (Gate)
        {
            if (!ReferenceEquals(probe, _probe)) return;
            if (packet.Type == EnginePacketType.Ping && packet.Data == "probe")
            {
                probe.Send([EnginePacket.Control(EnginePacketType.Pong, "probe")]);
                // Force the pending long-poll to return so the client can pause polling: a noop every 100 ms.
                _noopTimer?.Dispose();
                _noopTimer = new EngineTimer(_server, OnNoopTimer, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
            }
            else if (packet.Type == EnginePacketType.Upgrade && _state != EngineSocketState.Closed)
            {
                CleanupUpgradeLocked();
                var polling = _transport;
                polling.Discard();
                polling.BeginClose(graceful: false);
                _upgraded = true;
                _transport = probe;
                upgraded = true;
                _server.Metrics.Upgraded();
                FlushLocked();
                if (_state == EngineSocketState.Closing)
                {
                    probe.BeginClose(graceful: true);
                    CloseLocked(EngineCloseReason.ForcedClose);
                }
            }
            else
            {
                AbandonUpgradeLocked($"unexpected packet {packet}");
            }
        }
        if (upgraded)
        {
            Log.Upgraded(_logger, Id);
            EventRaiser.Raise(Upgraded, this, static (handler, socket) => handler(socket), _logger, LogId, "Upgraded");
        }
        RaisePendingEvents();
    }

    private void OnNoopTimer(EngineTimer timer)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(timer, _noopTimer)) return;
            if (_transport is PollingTransport { Writable: true } polling) polling.Send([EnginePacket.Control(EnginePacketType.Noop)]);
        }
        RaisePendingEvents();
    }

    private void OnUpgradeTimeout(EngineTimer timer)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(timer, _upgradeTimer)) return;
            AbandonUpgradeLocked("upgrade timeout");
        }
    }

    private void AbandonUpgradeLocked(string why)
    {
        if (_probe is not { } probe) return;
        Log.UpgradeFailed(_logger, Id, why);
        CleanupUpgradeLocked();
        probe.BeginClose(graceful: false);
    }

    private void CleanupUpgradeLocked()
    {
        _probe = null;
        _upgradeTimer?.Dispose();
        _upgradeTimer = null;
        _noopTimer?.Dispose();
        _noopTimer = null;
    }
}
