namespace Realtime.SocketIO;

/// <summary>
/// A broadcast being built (Node's <c>BroadcastOperator</c>): <c>io.To("room1").To("room2").Except("room3").Emit(...)</c>.
/// Immutable: each call returns a new operator. A socket in several of the rooms receives the event once.
/// </summary>
public sealed partial class SocketIOBroadcastOperator
{
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();
    private readonly ISocketIOAdapter _adapter;
    private readonly IReadOnlySet<string> _rooms;
    private readonly IReadOnlySet<string> _except;
    private readonly SocketIOBroadcastFlags _flags;

    /// <summary>A broadcast through <paramref name="adapter"/> to <paramref name="rooms"/> (all sockets when empty) minus <paramref name="except"/>.</summary>
    public SocketIOBroadcastOperator(ISocketIOAdapter adapter, IReadOnlySet<string>? rooms = null, IReadOnlySet<string>? except = null, SocketIOBroadcastFlags? flags = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        _adapter = adapter;
        _rooms = rooms ?? Empty;
        _except = except ?? Empty;
        _flags = flags ?? SocketIOBroadcastFlags.None;
    }

    /// <summary>The options this operator broadcasts with.</summary>
    public SocketIOBroadcastOptions Options => new(_rooms, _except, _flags);

    /// <summary>Also targets <paramref name="room"/> (a room name or a socket id).</summary>
    /// <example><code>
    /// io.To("1").To("2").Except("3").Emit("room", new { from = socket.Id, msg });   // in 1 or 2, not in 3
    /// </code></example>
    public SocketIOBroadcastOperator To(string room) => To([room]);

    /// <summary>Also targets <paramref name="rooms"/>.</summary>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => new(_adapter, Union(_rooms, rooms), _except, _flags);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    /// <summary>Leaves out the sockets in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => Except([room]);

    /// <summary>Leaves out the sockets in any of <paramref name="rooms"/>.</summary>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms) => new(_adapter, _rooms, Union(_except, rooms), _flags);

    /// <summary>Only the sockets of this server (matters with a multi-server adapter).</summary>
    public SocketIOBroadcastOperator Local => new(_adapter, _rooms, _except, _flags with { Local = true });

    /// <summary>Emits to every selected socket; the packet is encoded once.</summary>
    /// <example><code>
    /// socket.Broadcast.Emit("join", new { user = "system", chat = $"{user}님이 입장하셨습니다." });
    /// io.To(room).Emit("SAME_PAGE_VIEWER_COUNT", count);
    /// </code></example>
    public void Emit(string eventName, params object?[]? args) => EmitCore(eventName, args ?? [null]);

    /// <summary>Emits one argument (kept whole even when it is an array).</summary>
    public void Emit<T>(string eventName, T arg) => EmitCore(eventName, [arg]);

    /// <summary>Emits two arguments.</summary>
    public void Emit<T1, T2>(string eventName, T1 arg1, T2 arg2) => EmitCore(eventName, [arg1, arg2]);

    /// <summary>Emits three arguments.</summary>
    public void Emit<T1, T2, T3>(string eventName, T1 arg1, T2 arg2, T3 arg3) => EmitCore(eventName, [arg1, arg2, arg3]);

    private void EmitCore(string eventName, object?[] args)
    {
        SocketIOSocket.CheckEventName(eventName);
        var nsp = _adapter.Namespace;
        _adapter.Broadcast(new SocketIOBroadcastPacket(nsp, eventName, args), Options);
    }

    /// <summary>The selected sockets.</summary>
    public Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) =>
        _adapter.FetchSocketsAsync(Options, cancellationToken);

    /// <summary>The ids of the selected sockets.</summary>
    public async Task<IReadOnlySet<string>> AllSocketsAsync(CancellationToken cancellationToken = default)
    {
        var sockets = await _adapter.FetchSocketsAsync(Options, cancellationToken).ConfigureAwait(false);
        return sockets.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Makes the selected sockets join <paramref name="room"/>.</summary>
    public void SocketsJoin(string room) => _adapter.AddSockets(Options, [room]);

    /// <summary>Makes the selected sockets join <paramref name="rooms"/>.</summary>
    public void SocketsJoin(IEnumerable<string> rooms) => _adapter.AddSockets(Options, rooms.ToArray());

    /// <summary>Makes the selected sockets leave <paramref name="room"/>.</summary>
    public void SocketsLeave(string room) => _adapter.DelSockets(Options, [room]);

    /// <summary>Makes the selected sockets leave <paramref name="rooms"/>.</summary>
    public void SocketsLeave(IEnumerable<string> rooms) => _adapter.DelSockets(Options, rooms.ToArray());

    /// <summary>Disconnects the selected sockets; <paramref name="close"/> also closes their whole connection.</summary>
    public void DisconnectSockets(bool close = false) => _adapter.DisconnectSockets(Options, close);

    private static IReadOnlySet<string> Union(IReadOnlySet<string> set, IEnumerable<string> more)
    {
        var union = new HashSet<string>(set, StringComparer.Ordinal);
        foreach (var room in more) union.Add(room ?? throw new ArgumentNullException(nameof(more)));
        return union;
    }
}
