using System.Text.Json;

namespace Realtime.SocketIO;

/// <summary>
/// What <c>FetchSocketsAsync</c> returns for each socket (Node's <c>RemoteSocket</c>): its id, handshake, rooms and
/// data, and the few things one can do to it from anywhere in a cluster. A socket of this server is the
/// <see cref="SocketIOSocket"/> itself; a socket of another server is a <see cref="SocketIORemoteSocket"/>, a copy
/// taken when it was fetched, whose actions travel through the adapter.
/// </summary>
public interface ISocketIORemoteSocket
{
    /// <summary>The socket id.</summary>
    string Id { get; }

    /// <summary>What the client sent when it connected.</summary>
    SocketIOHandshake Handshake { get; }

    /// <summary>The rooms it was in, its own id first.</summary>
    IReadOnlySet<string> Rooms { get; }

    /// <summary>Its <c>socket.data</c>: values set on this server, or JSON values (<see cref="JsonElement"/>) from another.</summary>
    IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>Emits an event to it.</summary>
    void Emit(string eventName, params object?[]? args);

    /// <summary>Makes it join <paramref name="room"/>.</summary>
    void Join(string room);

    /// <summary>Makes it leave <paramref name="room"/>.</summary>
    void Leave(string room);

    /// <summary>Disconnects it; <paramref name="close"/> also closes its whole connection.</summary>
    void Disconnect(bool close = false);
}

/// <summary>A socket of another server of the cluster, as it was when fetched (see <see cref="ISocketIORemoteSocket"/>).</summary>
public sealed class SocketIORemoteSocket : ISocketIORemoteSocket
{
    private readonly ISocketIOAdapter _adapter;

    /// <summary>Creates the view of a socket that another server described (multi-server adapters build these).</summary>
    public SocketIORemoteSocket(ISocketIOAdapter adapter, string id, SocketIOHandshake handshake, IReadOnlySet<string> rooms, IReadOnlyDictionary<string, object?> data)
    {
        _adapter = adapter;
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public SocketIOHandshake Handshake { get; }

    /// <inheritdoc />
    public IReadOnlySet<string> Rooms { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> Data { get; }

    private SocketIOBroadcastOperator Only => new(_adapter, new HashSet<string>(StringComparer.Ordinal) { Id });

    /// <inheritdoc />
    public void Emit(string eventName, params object?[]? args) => Only.Emit(eventName, args);

    /// <inheritdoc />
    public void Join(string room) => Only.SocketsJoin(room);

    /// <inheritdoc />
    public void Leave(string room) => Only.SocketsLeave(room);

    /// <inheritdoc />
    public void Disconnect(bool close = false) => Only.DisconnectSockets(close);

    /// <inheritdoc />
    public override string ToString() => $"{_adapter.Namespace.Name}#{Id} (remote)";
}
