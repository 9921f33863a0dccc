using System.Collections;

namespace Realtime.SocketIO;

/// <summary>
/// The default adapter: rooms of one namespace on this server, in memory (Node's socket.io-adapter <c>Adapter</c>).
/// One lock guards the maps; sends happen outside it.
/// </summary>
public partial class InMemorySocketIOAdapter : ISocketIOAdapter
{
    private readonly object _gate = new();
    // room → socket ids; socket id → its rooms in the order joined (its own id first).
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _sids = new(StringComparer.Ordinal);

    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    public InMemorySocketIOAdapter(SocketIONamespace nsp) => Namespace = nsp;

    /// <inheritdoc />
    public SocketIONamespace Namespace { get; }

    /// <summary>The rooms that exist (have at least one socket), a snapshot.</summary>
    public IReadOnlyCollection<string> Rooms
    {
        get { lock (_gate) return _rooms.Keys.ToArray(); }
    }

    /// <summary>
    /// Raised with (room, socket id) when a socket of this server joins a room it was not in (Node's adapter event
    /// <c>join-room</c>), after the lock is released; also for the socket's own room when it connects.
    /// </summary>
    public event Action<string, string>? RoomJoined;

    /// <summary>Raised with (room, socket id) when a socket of this server leaves a room (Node's <c>leave-room</c>).</summary>
    public event Action<string, string>? RoomLeft;

    /// <summary>Whether any socket of this server is in <paramref name="room"/>.</summary>
    public bool HasRoom(string room)
    {
        lock (_gate) return _rooms.ContainsKey(room);
    }

    /// <inheritdoc />
    public virtual void AddAll(string id, IEnumerable<string> rooms)
    {
        List<string>? added = null;
        lock (_gate)
        {
            if (!_sids.TryGetValue(id, out var joined)) _sids[id] = joined = [];
            foreach (var room in rooms)
            {
                if (!joined.Contains(room)) joined.Add(room);
                if (!_rooms.TryGetValue(room, out var members)) _rooms[room] = members = new HashSet<string>(StringComparer.Ordinal);
                if (members.Add(id) && RoomJoined is not null) (added ??= []).Add(room);
            }
        }
        if (added is not null && RoomJoined is { } raise)
            foreach (var room in added) raise(room, id);
    }

    /// <inheritdoc />
    public virtual void Del(string id, string room)
    {
        bool removed;
        lock (_gate)
        {
            if (_sids.TryGetValue(id, out var joined)) joined.Remove(room);
            removed = RemoveFromRoom(room, id);
        }
        if (removed) RoomLeft?.Invoke(room, id);
    }

    /// <inheritdoc />
    public virtual void DelAll(string id)
    {
        List<string>? joined;
        lock (_gate)
        {
            if (!_sids.Remove(id, out joined)) return;
            foreach (var room in joined) RemoveFromRoom(room, id);
        }
        if (RoomLeft is { } raise)
            foreach (var room in joined) raise(room, id);
    }

    private bool RemoveFromRoom(string room, string id)
    {
        if (!_rooms.TryGetValue(room, out var members) || !members.Remove(id)) return false;
        if (members.Count == 0) _rooms.Remove(room);
        return true;
    }

    /// <inheritdoc />
    public virtual IReadOnlySet<string>? SocketRooms(string id)
    {
        lock (_gate) return _sids.TryGetValue(id, out var joined) ? new RoomSet([.. joined]) : null;
    }

    /// <inheritdoc />
    public virtual void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        var sockets = Select(options);
        if (sockets.Count == 0) return;
        var messages = packet.Messages; // encoded once for everyone
        foreach (var socket in sockets) socket.WriteBroadcast(packet, messages, options.Flags);
    }

    /// <inheritdoc />
    public virtual Task<IReadOnlySet<string>> SocketsAsync(IReadOnlySet<string> rooms, CancellationToken cancellationToken = default)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var socket in Select(new SocketIOBroadcastOptions(rooms, SocketIOBroadcastOptions.All.Except, SocketIOBroadcastFlags.None))) ids.Add(socket.Id);
        return Task.FromResult<IReadOnlySet<string>>(ids);
    }

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ISocketIORemoteSocket>>(Select(options));

    /// <inheritdoc />
    public virtual void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Select(options)) socket.Join(rooms);
    }

    /// <inheritdoc />
    public virtual void DelSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Select(options))
            foreach (var room in rooms) socket.Leave(room);
    }

    /// <inheritdoc />
    public virtual void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        foreach (var socket in Select(options)) socket.Disconnect(close);
    }

    /// <inheritdoc />
    public virtual Task<int> ServerCountAsync(CancellationToken cancellationToken = default) => Task.FromResult(1);

    /// <inheritdoc />
    public virtual void ServerSideEmit(string eventName, IReadOnlyList<object?> args)
    {
    }

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<System.Text.Json.JsonElement>> ServerSideEmitWithAckAsync(string eventName, IReadOnlyList<object?> args, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<System.Text.Json.JsonElement>>([]);

    /// <summary>
    /// The connected sockets in any of the rooms (all when none), minus those in any except-room, each once
    /// (Node's <c>apply</c>). A snapshot taken under the lock.
    /// </summary>
    protected List<SocketIOSocket> Select(SocketIOBroadcastOptions options)
    {
        var result = new List<SocketIOSocket>();
        lock (_gate)
        {
            HashSet<string>? except = null;
            foreach (var room in options.Except)
            {
                if (!_rooms.TryGetValue(room, out var members)) continue;
                except ??= new HashSet<string>(StringComparer.Ordinal);
                except.UnionWith(members);
            }
            if (options.Rooms.Count > 0)
            {
                HashSet<string>? seen = options.Rooms.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
                foreach (var room in options.Rooms)
                {
                    if (!_rooms.TryGetValue(room, out var members)) continue;
                    foreach (var id in members)
                    {
                        if (except is not null && except.Contains(id)) continue;
                        if (seen is not null && !seen.Add(id)) continue;
                        if (Namespace.TryGetSocket(id, out var socket)) result.Add(socket);
                    }
                }
            }
            else
            {
                foreach (var id in _sids.Keys)
                {
                    if (except is not null && except.Contains(id)) continue;
                    if (Namespace.TryGetSocket(id, out var socket)) result.Add(socket);
                }
            }
        }
        return result;
    }

    /// <summary>A small read-only set that keeps the order rooms were joined in.</summary>
    private sealed class RoomSet(string[] rooms) : IReadOnlySet<string>
    {
        public int Count => rooms.Length;
        public bool Contains(string item) => Array.IndexOf(rooms, item) >= 0;
        public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)rooms).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public bool IsProperSubsetOf(IEnumerable<string> other) => new HashSet<string>(rooms).IsProperSubsetOf(other);
        public bool IsProperSupersetOf(IEnumerable<string> other) => new HashSet<string>(rooms).IsProperSupersetOf(other);
        public bool IsSubsetOf(IEnumerable<string> other) => new HashSet<string>(rooms).IsSubsetOf(other);
        public bool IsSupersetOf(IEnumerable<string> other) => new HashSet<string>(rooms).IsSupersetOf(other);
        public bool Overlaps(IEnumerable<string> other) => other.Any(Contains);
        public bool SetEquals(IEnumerable<string> other) => new HashSet<string>(rooms).SetEquals(other);
        public override string ToString() => "[" + string.Join(", ", rooms) + "]";
    }
}
