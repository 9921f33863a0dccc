namespace Realtime.SocketIO;

public partial class InMemorySocketIOAdapter
{
    /// <summary>
    /// A fresh ack id from the namespace's counter (it never repeats), for a multi-server adapter that broadcasts with
    /// acks on another server's behalf.
    /// </summary>
    protected long NextAckId() => Namespace.NextAckId();

    /// <summary>
    /// Stops waiting for the answers to the broadcast <paramref name="ackId"/> from <paramref name="socketIds"/> (its
    /// timeout passed): a client that never answers holds nothing after that.
    /// </summary>
    protected void ForgetBroadcastAcks(long ackId, IEnumerable<string> socketIds)
    {
        ArgumentNullException.ThrowIfNull(socketIds);
        foreach (var id in socketIds)
        {
            if (Namespace.TryGetSocket(id, out var socket)) socket.ForgetAck(ackId);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// As socket.io-adapter: one ack id for the whole broadcast (the namespace's counter never repeats), the packet encoded
    /// once, each reached socket waiting for its own answer under that id.
    /// </remarks>
    public virtual void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options,
        Action<int, IReadOnlyCollection<string>> sentTo, Action<string?, SocketIOArgs> ack)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sentTo);
        ArgumentNullException.ThrowIfNull(ack);
        if (packet.AckId is not { } id) throw new ArgumentException("A broadcast with acknowledgements needs a packet with an ack id.", nameof(packet));
        var sockets = Select(options);
        var reached = new List<string>(sockets.Count);
        if (sockets.Count > 0)
        {
            var messages = packet.Messages; // encoded once for everyone
            foreach (var socket in sockets)
            {
                if (!socket.ExpectBroadcastAck(id, ack)) continue; // disconnected since the selection
                reached.Add(socket.Id);
                socket.WriteBroadcast(packet, messages, options.Flags);
            }
        }
        sentTo(reached.Count, reached);
    }
}
