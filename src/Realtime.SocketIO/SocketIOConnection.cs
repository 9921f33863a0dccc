using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// One Engine.IO connection seen by Socket.IO (Node's <c>Client</c>): decodes its messages into packets, routes them
/// to its socket in each namespace, joins namespaces, and closes it on protocol errors or when no namespace was
/// joined within the connect timeout.
/// </summary>
internal sealed class SocketIOConnection
{
    private static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly SocketIOServer _server;
    private readonly SocketIOPacketDecoder _decoder;
    private readonly object _gate = new();
    // namespace name → its socket; null while the namespace's middleware runs.
    private readonly Dictionary<string, SocketIOSocket?> _nsps = new(StringComparer.Ordinal);
    private ITimer? _connectTimer;
    private int _closed;

    // A binary packet waits for its attachments in the decoder: bounded in bytes and in time (Node bounds neither).
    private readonly long _maxAttachmentBytes;
    private ITimer? _attachmentTimer;
    private long _packetsWaited;   // binary packets that had to wait, so far (only the dispatch thread writes it)
    private long _waitingPacket;   // which of them waits now; 0 when none

    // Limits what this client's packets can write to the log (see ClientLog).
    internal ClientLog ClientLog { get; }

    public SocketIOConnection(SocketIOServer server, EngineIOSocket engine)
    {
        _server = server;
        Engine = engine;
        _decoder = new SocketIOPacketDecoder(server.Options.MaxAttachments);
        var maxAttachmentBytes = server.Options.MaxAttachmentBytes ?? server.Options.MaxHttpBufferSize;
        _maxAttachmentBytes = maxAttachmentBytes > 0 ? maxAttachmentBytes : long.MaxValue;
        ClientLog = new ClientLog(server.Logger, server.TimeProvider, engine.LogId, server.Options.ClientLogLinesPerMinute);
        engine.Message += OnMessage;
        engine.Closed += OnEngineClosed;
        _connectTimer = server.TimeProvider.CreateTimer(_ => OnConnectTimeout(), null, server.Options.ConnectTimeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public EngineIOSocket Engine { get; }

    public string Id => Engine.Id;

    /// <summary>The session id's first characters, for log lines above Debug (see <see cref="EngineIOSocket.LogId"/>).</summary>
    public string LogId => Engine.LogId;

    public bool IsOpen => Volatile.Read(ref _closed) == 0 && Engine.ReadyState == EngineSocketState.Open;

    public static EngineMessage[] ToMessages(SocketIOEncodedPacket encoded)
    {
        var messages = new EngineMessage[1 + encoded.Attachments.Count];
        messages[0] = EngineMessage.FromText(encoded.Text);
        for (var i = 0; i < encoded.Attachments.Count; i++) messages[i + 1] = EngineMessage.FromBinary(encoded.Attachments[i]);
        return messages;
    }

    /// <summary>Queues a packet (and its attachments, atomically). A broadcast calls this once per receiver.</summary>
    public void Write(IReadOnlyList<EngineMessage> messages)
    {
        // Only our own flag is checked here (no lock): Engine.IO drops what is sent once it is closing or closed.
        if (Volatile.Read(ref _closed) != 0) return;
        _server.Metrics.PacketSent();
        if (messages.Count == 1) Engine.Send(messages[0]);
        else Engine.Send(messages);
    }

    /// <summary>Sends a packet only if the transport can take it this instant (a volatile emit); else drops it.</summary>
    public void WriteVolatile(IReadOnlyList<EngineMessage> messages)
    {
        if (Volatile.Read(ref _closed) != 0) return;
        _server.Metrics.PacketSent(); // offered: a volatile packet may still be dropped by Engine.IO
        Engine.SendVolatile(messages);
    }

    /// <summary>Queues a freshly encoded packet (one Engine.IO message unless it has attachments).</summary>
    public void Write(SocketIOEncodedPacket encoded)
    {
        if (encoded.Attachments.Count == 0) WriteText(encoded.Text);
        else Write(ToMessages(encoded));
    }

    public void WriteText(string text)
    {
        if (Volatile.Read(ref _closed) != 0) return;
        _server.Metrics.PacketSent();
        Engine.Send(EngineMessage.FromText(text));
    }

    private void OnMessage(EngineIOSocket engine, EngineMessage message)
    {
        SocketIOPacket? packet;
        try
        {
            if (!message.IsBinary)
            {
                packet = _decoder.Add(message.Text);
                if (packet is null) StartAttachmentTimer(); // a binary packet: its attachments follow
            }
            else if (_decoder.IsReconstructing && message.Data.Length > _maxAttachmentBytes - _decoder.PendingAttachmentBytes)
            {
                // Checked before the decoder keeps this attachment: what one client parks here stays under the limit.
                Log.AttachmentsTooLarge(_server.Logger, LogId, _maxAttachmentBytes);
                _server.Metrics.Error(SocketIOMetrics.AttachmentsTooLarge);
                _decoder.Reset();
                Close($"binary attachments over {_maxAttachmentBytes} bytes");
                return;
            }
            else
            {
                packet = _decoder.Add(message.Data);
                if (packet is not null) StopAttachmentTimer();
            }
        }
        catch (SocketIOParseException e)
        {
            // Node's client.onerror: the whole connection goes ("forced close" from Engine.IO).
            if (ClientLog.Allows(LogLevel.Debug)) Log.ParseError(_server.Logger, Id, ClientLog.Clip(e.Message));
            _server.Metrics.Error(SocketIOMetrics.ParseError);
            _decoder.Reset();
            Engine.Close();
            return;
        }
        if (packet is null) return;
        _server.Metrics.PacketReceived(packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent);
        OnPacket(packet);
    }

    private void StartAttachmentTimer()
    {
        var timeout = _server.Options.AttachmentTimeout;
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan) return;
        var packet = ++_packetsWaited;
        Volatile.Write(ref _waitingPacket, packet);
        // The state names the packet: a timer that fires as the last attachment arrives finds another number and does nothing.
        var timer = _server.TimeProvider.CreateTimer(static state =>
        {
            var (connection, packet) = ((SocketIOConnection, long))state!;
            connection.OnAttachmentTimeout(packet);
        }, (this, packet), timeout, System.Threading.Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _attachmentTimer, timer)?.Dispose();
        if (Volatile.Read(ref _closed) != 0) StopAttachmentTimer(); // closed meanwhile: OnClosed may have missed this timer
    }

    private void StopAttachmentTimer()
    {
        Volatile.Write(ref _waitingPacket, 0);
        Interlocked.Exchange(ref _attachmentTimer, null)?.Dispose();
    }

    private void OnAttachmentTimeout(long packet)
    {
        if (Volatile.Read(ref _waitingPacket) != packet || !IsOpen) return;
        Log.AttachmentsTimeout(_server.Logger, LogId, _server.Options.AttachmentTimeout);
        _server.Metrics.Error(SocketIOMetrics.AttachmentTimeout);
        Close($"binary attachments not complete within {_server.Options.AttachmentTimeout.TotalSeconds:0.###} s");
    }

    private void OnPacket(SocketIOPacket packet)
    {
        SocketIOSocket? socket;
        bool known;
        lock (_gate) known = _nsps.TryGetValue(packet.Namespace, out socket);

        if (!known && packet.Type == SocketIOPacketType.Connect)
        {
            Connect(packet.Namespace, packet.Data ?? EmptyAuth);
        }
        else if (socket is not null && packet.Type is not (SocketIOPacketType.Connect or SocketIOPacketType.ConnectError))
        {
            socket.OnPacket(packet);
        }
        else
        {
            // CONNECT for a namespace already joined (or joining), anything else for one not joined: client.ts closes.
            if (ClientLog.Allows(LogLevel.Debug))
                Log.ProtocolViolation(_server.Logger, Id, packet.Type.ToString(), ClientLog.Clip(packet.Namespace), known ? "already joined" : "not joined");
            _server.Metrics.Error(SocketIOMetrics.ProtocolViolation);
            Close();
        }
    }

    private void Connect(string name, JsonElement auth)
    {
        var nsp = _server.FindOrCreateNamespace(name, auth);
        if (nsp is null)
        {
            if (ClientLog.Allows(LogLevel.Debug)) Log.InvalidNamespace(_server.Logger, ClientLog.Clip(name), Id);
            _server.Metrics.Error(SocketIOMetrics.InvalidNamespace);
            WriteText(SocketIOPacketEncoder.EncodeConnectError(name, "Invalid namespace"));
            return;
        }
        lock (_gate) _nsps[name] = null; // joining
        _ = JoinAsync(nsp, auth);
    }

    private async Task JoinAsync(SocketIONamespace nsp, JsonElement auth)
    {
        try
        {
            await nsp.AddAsync(this, auth).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // AddAsync handles middleware errors; this is a bug guard so a failure never goes unobserved.
            if (ClientLog.Allows(LogLevel.Error)) Log.HandlerFailed(_server.Logger, e, "connection", LogId, ClientLog.Clip(nsp.Name));
        }
    }

    /// <summary>The socket joined its namespace: stop the connect timer.</summary>
    public void Joined(string name, SocketIOSocket socket)
    {
        lock (_gate) _nsps[name] = socket;
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
    }

    /// <summary>A join was refused or abandoned.</summary>
    public void Forget(string name)
    {
        lock (_gate)
        {
            if (_nsps.TryGetValue(name, out var socket) && socket is null) _nsps.Remove(name);
        }
    }

    /// <summary>The socket left its namespace.</summary>
    public void Remove(SocketIOSocket socket)
    {
        lock (_gate)
        {
            if (_nsps.TryGetValue(socket.Nsp.Name, out var current) && ReferenceEquals(current, socket)) _nsps.Remove(socket.Nsp.Name);
        }
    }

    private void OnConnectTimeout()
    {
        // As client.ts: only a namespace actually joined counts. A CONNECT still in a namespace's middleware (a null
        // entry) does not, so a middleware that never calls next cannot keep a connection open forever.
        bool none;
        lock (_gate) none = !_nsps.Values.Any(socket => socket is not null);
        if (none && IsOpen)
        {
            Log.ConnectTimeout(_server.Logger, Id);
            _server.Metrics.Error(SocketIOMetrics.ConnectTimeout);
            Close();
        }
    }

    /// <summary><c>socket.Disconnect(close: true)</c>: every socket leaves its namespace, then the connection closes.</summary>
    public void DisconnectAll()
    {
        foreach (var socket in Sockets()) socket.Disconnect();
        Close();
    }

    /// <summary>
    /// Closes the connection from the server side: the sockets disconnect with "forced server close", and
    /// <paramref name="description"/> (why) as the second argument of their "disconnect" handlers.
    /// </summary>
    public void Close(string? description = null)
    {
        if (Engine.ReadyState != EngineSocketState.Open) return;
        // Our reason first; Engine.IO's own "forced close" that follows is then ignored.
        OnClosed(SocketIODisconnectReason.ForcedServerClose, description);
        Engine.Close();
    }

    private void OnEngineClosed(EngineIOSocket engine, EngineCloseReason reason, string? description) =>
        OnClosed(SocketIODisconnectReason.FromEngine(reason), description);

    private void OnClosed(string reason, string? description)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return; // after Close(), Engine.IO's own "forced close" is ignored
        Engine.Message -= OnMessage;
        Engine.Closed -= OnEngineClosed;
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        StopAttachmentTimer();
        foreach (var socket in Sockets())
        {
            try
            {
                socket.OnClose(reason, description);
            }
            catch (Exception e)
            {
                Log.CloseFailed(_server.Logger, e, socket.Id);   // one namespace's failure must not keep the others open
            }
        }
        lock (_gate) _nsps.Clear();
    }

    private SocketIOSocket[] Sockets()
    {
        lock (_gate) return _nsps.Values.OfType<SocketIOSocket>().ToArray();
    }
}
