namespace Realtime.SocketIO;

/// <summary>Extra behaviour of a broadcast (Node's <c>flags</c>).</summary>
public sealed record SocketIOBroadcastFlags
{
    /// <summary>No flags.</summary>
    public static SocketIOBroadcastFlags None { get; } = new();

    /// <summary>Only this server's sockets, even with a multi-server adapter (<c>io.local</c>).</summary>
    public bool Local { get; init; }

    /// <summary>Dropped for a client whose transport cannot take it this instant (<c>io.volatile</c>).</summary>
    public bool Volatile { get; init; }

    /// <summary>Node's <c>compress</c> flag, kept for other adapters: this server never compresses (null: not set).</summary>
    public bool? Compress { get; init; }

    /// <summary>How long a broadcast with acknowledgements waits for the answers (<c>io.timeout(ms)</c>); null: not set.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// Who a broadcast reaches (Node's <c>BroadcastOptions</c>): the sockets in any of <see cref="Rooms"/> (every socket of the
/// namespace when empty), minus the sockets in any of <see cref="Except"/>. A socket is reached once even when it is in
/// several rooms. A socket id is also a room (each socket joins its own).
/// </summary>
public sealed record SocketIOBroadcastOptions(IReadOnlySet<string> Rooms, IReadOnlySet<string> Except, SocketIOBroadcastFlags Flags)
{
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    /// <summary>Every socket of the namespace.</summary>
    public static SocketIOBroadcastOptions All { get; } = new(Empty, Empty, SocketIOBroadcastFlags.None);
}

/// <summary>
/// Keeps the rooms of one namespace and delivers broadcasts (Node's socket.io-adapter). The default,
/// <see cref="InMemorySocketIOAdapter"/>, knows this server only; a multi-server adapter (Redis, Postgres, …)
/// implements the same interface and forwards broadcasts and room operations to the other servers.
/// Implementations must be thread-safe.
/// </summary>
public interface ISocketIOAdapter
{
    /// <summary>The namespace this adapter serves.</summary>
    SocketIONamespace Namespace { get; }

    /// <summary>Adds the socket <paramref name="id"/> to <paramref name="rooms"/>.</summary>
    void AddAll(string id, IEnumerable<string> rooms);

    /// <summary>Removes the socket <paramref name="id"/> from <paramref name="room"/>.</summary>
    void Del(string id, string room);

    /// <summary>Removes the socket <paramref name="id"/> from every room (it is disconnecting).</summary>
    void DelAll(string id);

    /// <summary>The rooms of socket <paramref name="id"/>, its own id first then in the order joined; null if unknown.</summary>
    IReadOnlySet<string>? SocketRooms(string id);

    /// <summary>Sends <paramref name="packet"/> (encoded once, shared by every receiver) to the sockets <paramref name="options"/> selects.</summary>
    void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options);

    /// <summary>
    /// Sends <paramref name="packet"/> (which carries an ack id) to the selected sockets and expects an answer from each
    /// (Node's <c>broadcastWithAck</c>): calls <paramref name="sentTo"/> once per server with how many of its sockets it
    /// reached and their ids (empty when that server does not name them: Node's adapter only counts), and
    /// <paramref name="ack"/> for each answer with the id of the socket that answered (null when unknown). An adapter
    /// that cannot do it throws <see cref="NotSupportedException"/>.
    /// </summary>
    void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, Action<int, IReadOnlyCollection<string>> sentTo, Action<string?, SocketIOArgs> ack) =>
        throw new NotSupportedException($"{GetType().Name} does not support broadcasts with acknowledgements.");

    /// <summary>The ids of the sockets in any of <paramref name="rooms"/> (every socket when empty).</summary>
    Task<IReadOnlySet<string>> SocketsAsync(IReadOnlySet<string> rooms, CancellationToken cancellationToken = default);

    /// <summary>
    /// The sockets <paramref name="options"/> selects: this server's as <see cref="SocketIOSocket"/>, other servers'
    /// (with a multi-server adapter) as <see cref="SocketIORemoteSocket"/>.
    /// </summary>
    Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken = default);

    /// <summary>Makes the selected sockets join <paramref name="rooms"/>.</summary>
    void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Makes the selected sockets leave <paramref name="rooms"/>.</summary>
    void DelSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Disconnects the selected sockets (<paramref name="close"/>: also close their whole connection).</summary>
    void DisconnectSockets(SocketIOBroadcastOptions options, bool close);

    /// <summary>How many servers share these rooms (1 for the in-memory adapter).</summary>
    Task<int> ServerCountAsync(CancellationToken cancellationToken = default) => Task.FromResult(1);

    /// <summary>
    /// Sends an event to the other servers of the cluster (Node's <c>serverSideEmit</c>); they raise it on their
    /// <see cref="SocketIONamespace.OnServerSideEmit(string, Action{SocketIOArgs})"/> handlers. A single server has
    /// nobody to tell.
    /// </summary>
    void ServerSideEmit(string eventName, IReadOnlyList<object?> args)
    {
    }

    /// <summary>
    /// Sends an event to the other servers and waits for one answer from each (Node's <c>serverSideEmitWithAck</c>):
    /// the answers, in the order they came. A single server gets none. Throws <see cref="SocketIOClusterTimeoutException"/>
    /// when not every server answered within the adapter's timeout.
    /// </summary>
    Task<IReadOnlyList<System.Text.Json.JsonElement>> ServerSideEmitWithAckAsync(string eventName, IReadOnlyList<object?> args, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<System.Text.Json.JsonElement>>([]);
}

/// <summary>
/// A cluster-wide request (fetch sockets, server-side emit with ack, …) did not get every server's answer in time.
/// <see cref="Expected"/> and <see cref="Received"/> say how many answered; <see cref="Answered"/> names the servers that
/// did, when they name themselves (servers of this library do; Node's redis-adapter answers anonymously).
/// </summary>
public sealed class SocketIOClusterTimeoutException(string request, TimeSpan timeout, int expected, int received, IReadOnlyList<string> answered)
    : TimeoutException($"{request}: {received} of {expected} servers answered within {timeout.TotalSeconds:0.###} s" +
                       (answered.Count > 0 ? $" (answered: {string.Join(", ", answered)})" : "") + ".")
{
    /// <summary>What was asked, e.g. "fetchSockets".</summary>
    public string Request { get; } = request;

    /// <summary>How many answers were expected.</summary>
    public int Expected { get; } = expected;

    /// <summary>How many came.</summary>
    public int Received { get; } = received;

    /// <summary>The ids of the servers that answered and named themselves.</summary>
    public IReadOnlyList<string> Answered { get; } = answered;
}
