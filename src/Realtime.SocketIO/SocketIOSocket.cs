using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// One client in one namespace (Node's <c>socket</c>): listen with <see cref="On(string, Action)"/>, talk with
/// <see cref="Emit(string, object?[])"/>, group with <see cref="Join(string)"/> and broadcast with
/// <see cref="Broadcast"/> / <see cref="To(string)"/>. Thread-safe: emit from any thread, any time.
/// </summary>
public sealed partial class SocketIOSocket : ISocketIORemoteSocket
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Listener[]> _handlers = new(StringComparer.Ordinal);
    private AnyListener[] _anyHandlers = [];
    private ConcurrentDictionary<string, object?>? _data;
    private volatile bool _connected;
    private CancellationTokenSource? _aborted;
    private int _closing;

    internal SocketIOSocket(SocketIONamespace nsp, SocketIOConnection connection, JsonElement auth, SessionAwareSocketIOAdapter.Session? session = null)
    {
        Nsp = nsp;
        Connection = connection;
        // Never the Engine.IO id: that one is a session secret (socket.ts). A recovered socket takes its ids back.
        Id = session?.Sid ?? NewId();
        Pid = session?.Pid ?? (nsp.Server.Options.ConnectionStateRecovery is null ? null : NewId());
        _data = session?.Data;
        _restoring = session;
        Recovered = session is not null;
        Handshake = new SocketIOHandshake(connection.Engine.Handshake, auth, nsp.Server.TimeProvider);
    }

    /// <summary>The socket id (also the name of the room only this socket is in). Differs from the Engine.IO session id.</summary>
    public string Id { get; }

    /// <summary>The namespace.</summary>
    public SocketIONamespace Nsp { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server => Nsp.Server;

    /// <summary>The underlying Engine.IO connection, shared by this client's sockets in every namespace.</summary>
    public EngineIOSocket Conn => Connection.Engine;

    internal SocketIOConnection Connection { get; }

    /// <summary>What the client sent when connecting: headers, query, auth, address, time.</summary>
    public SocketIOHandshake Handshake { get; }

    /// <summary>Anything the application wants to keep with this socket (Node's <c>socket.data</c>). Thread-safe.</summary>
    public ConcurrentDictionary<string, object?> Data => _data ?? LazyInitializer.EnsureInitialized(ref _data, () => new(StringComparer.Ordinal));

    /// <summary>True from the connection until the disconnection.</summary>
    public bool Connected => _connected;

    /// <summary>
    /// Fires when this socket disconnects, whatever the reason (SignalR's <c>ConnectionAborted</c>): pass it to the work a
    /// handler starts for this client, so that work stops when nobody is left to answer.
    /// </summary>
    /// <example><code>
    /// socket.On("search", async (string text) =&gt; await db.SearchAsync(text, socket.ConnectionAborted));
    /// </code></example>
    public CancellationToken ConnectionAborted
    {
        get
        {
            if (System.Threading.Volatile.Read(ref _aborted) is { } made) return made.Token;
            var source = new CancellationTokenSource();
            if (Interlocked.CompareExchange(ref _aborted, source, null) is { } other)
            {
                source.Dispose();
                return other.Token;
            }
            // Made after the disconnection: cancel it now (OnClose may have looked before it existed).
            if (!_connected) CancelAborted();
            return source.Token;
        }
    }

    // ---- disconnecting ----

    /// <summary>
    /// Leaves the namespace (the client gets DISCONNECT and the reason "io server disconnect"); with
    /// <paramref name="close"/>, closes the whole underlying connection (every namespace of this client).
    /// </summary>
    public SocketIOSocket Disconnect(bool close = false)
    {
        if (!_connected) return this;
        if (close)
        {
            Connection.DisconnectAll();
        }
        else
        {
            Connection.WriteText(SocketIOPacketEncoder.EncodeDisconnect(Nsp.Name));
            OnClose(SocketIODisconnectReason.ServerNamespaceDisconnect, null);
        }
        return this;
    }

    // ---- internals (Node: _onconnect, _onpacket, _onclose; onevent is in .Handlers.cs, onack in .Emit.cs) ----

    internal void OnConnect()
    {
        _connected = true;
        if (!ResumeSession()) Nsp.Adapter.AddAll(Id, [Id]);
        Connection.WriteText(SocketIOPacketEncoder.EncodeConnect(Nsp.Name, Id, Pid));
    }

    internal void OnPacket(SocketIOPacket packet)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                OnEvent(packet);
                break;
            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                OnAck(packet);
                break;
            case SocketIOPacketType.Disconnect:
                OnClose(SocketIODisconnectReason.ClientNamespaceDisconnect, null);
                break;
        }
    }

    /// <summary>Leaves the namespace for <paramref name="reason"/>: "disconnecting" handlers, rooms left, then "disconnect" handlers.</summary>
    internal void OnClose(string reason, string? description)
    {
        if (!_connected || Interlocked.Exchange(ref _closing, 1) == 1) return;
        RaiseReserved("disconnecting", reason, description);
        try
        {
            PersistSessionIfRecoverable(reason);
            Nsp.Adapter.DelAll(Id);
        }
        finally
        {
            // Whatever the adapter does, the socket leaves the namespace and its pending acks fail.
            Nsp.Remove(this);
            Connection.Remove(this);
            _connected = false;
            if (System.Threading.Volatile.Read(ref _acks) is { } acks)
            {
                foreach (var id in acks.Keys)
                {
                    if (acks.TryRemove(id, out var pending))
                        pending.TrySetException(new SocketIODisconnectedException($"Socket {Id} disconnected ({reason}) before acknowledging."));
                }
            }
        }
        if (Connection.ClientLog.Allows(LogLevel.Debug)) Log.SocketDisconnected(Server.Logger, ClientLog.Clip(Nsp.Name), Id, reason);
        Server.Metrics.Disconnected(reason);
        CancelAborted();
        RaiseReserved("disconnect", reason, description);
    }

    private void CancelAborted()
    {
        if (System.Threading.Volatile.Read(ref _aborted) is not { } source) return;
        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            LogHandlerFailed(e, "ConnectionAborted");   // a callback registered on the token threw
        }
    }

    private static string NewId()
    {
        // Node's base64id: 15 random bytes, URL-safe base64, 20 characters.
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    /// <inheritdoc />
    public override string ToString() => $"{Nsp.Name}#{Id}";

    // ---- as one of the sockets FetchSocketsAsync returns ----

    IReadOnlyDictionary<string, object?> ISocketIORemoteSocket.Data => Data;

    void ISocketIORemoteSocket.Join(string room) => Join(room);

    void ISocketIORemoteSocket.Leave(string room) => Leave(room);

    void ISocketIORemoteSocket.Disconnect(bool close) => Disconnect(close);
}
