namespace Realtime.SocketIO;

// Rooms and broadcasting from this socket (Node's socket.ts: join, leave, to, in, except, broadcast).
public sealed partial class SocketIOSocket
{
    /// <summary>The rooms this socket is in: its own id first, then the rooms in the order joined (a snapshot).</summary>
    public IReadOnlySet<string> Rooms => Nsp.Adapter.SocketRooms(Id) ?? new HashSet<string>();

    // ---- broadcasting from this socket ----

    /// <summary>Every other socket of the namespace (the sender excluded): <c>socket.Broadcast.Emit(...)</c>.</summary>
    /// <example><code>
    /// socket.Broadcast.Emit("join", new { user = "system", chat = $"{user}님이 입장하셨습니다." });
    /// </code></example>
    public SocketIOBroadcastOperator Broadcast => new(Nsp.Adapter, null, new HashSet<string>(StringComparer.Ordinal) { Id });

    /// <summary>The sockets in <paramref name="room"/> except this one: <c>socket.To("room1").Emit(...)</c>.</summary>
    /// <example><code>
    /// socket.On("chat", (string text) =&gt;
    ///     socket.To(roomId).Emit("chat", new { user, chat = text }));   // everyone in the room but the sender
    /// </code></example>
    public SocketIOBroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>The sockets in any of <paramref name="rooms"/> except this one.</summary>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => Broadcast.To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Every other socket except those in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => Broadcast.Except(room);

    // ---- rooms ----

    /// <summary>Joins <paramref name="room"/> (no effect once disconnected).</summary>
    /// <example><code>
    /// socket.On("join", (string roomId) =&gt;
    /// {
    ///     socket.Join(roomId);
    ///     socket.To(roomId).Emit("join", new { user = "system", chat = $"{user}님이 입장하셨습니다." });
    /// });
    /// socket.On("leave", (string roomId) =&gt; socket.Leave(roomId));
    /// </code></example>
    public SocketIOSocket Join(string room) => Join([room]);

    /// <summary>
    /// Joins every room of <paramref name="rooms"/>. A socket's id is also a room (its private one): an app that joins
    /// rooms named by the client should refuse other sockets' ids.
    /// </summary>
    public SocketIOSocket Join(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        string[] names = [.. rooms];
        foreach (var name in names)
        {
            if (name is null) throw new ArgumentException("A room name cannot be null.", nameof(rooms));
        }
        if (!_connected) return this;
        Nsp.Adapter.AddAll(Id, names);
        if (!_connected) Nsp.Adapter.DelAll(Id);   // the socket closed meanwhile: leave no room behind
        return this;
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public SocketIOSocket Leave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Nsp.Adapter.Del(Id, room);
        return this;
    }
}
