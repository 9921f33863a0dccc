namespace Realtime.SocketIO;

// Broadcast flags on the main namespace (Node's io.volatile, io.compress, io.timeout).
public sealed partial class SocketIOServer
{
    /// <summary>
    /// A broadcast to every socket of the main namespace, dropped for each client that cannot take it this instant:
    /// <c>io.Volatile.Emit("tick", n)</c>.
    /// </summary>
    public SocketIOBroadcastOperator Volatile => Sockets.Volatile;

    /// <summary>Accepted and ignored (<c>io.compress(false)</c>): this server never compresses.</summary>
    public SocketIOBroadcastOperator Compress(bool compress) => Sockets.Compress(compress);

    /// <summary>
    /// A broadcast that waits at most <paramref name="timeout"/> for every client's answer:
    /// <c>var answers = await io.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("ready?")</c>.
    /// </summary>
    /// <example><code>
    /// string?[] answers = await io.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("ready?");
    /// </code></example>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => Sockets.Timeout(timeout);
}
