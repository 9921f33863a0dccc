namespace Realtime.SocketIO;

// Broadcast flags from the namespace (Node's nsp.volatile, nsp.compress, nsp.timeout).
public partial class SocketIONamespace
{
    /// <summary>A broadcast to every socket, dropped for each client that cannot take it this instant (<c>nsp.volatile</c>).</summary>
    public SocketIOBroadcastOperator Volatile => new SocketIOBroadcastOperator(Adapter).Volatile;

    /// <summary>Accepted and ignored (<c>nsp.compress</c>): this server never compresses.</summary>
    public SocketIOBroadcastOperator Compress(bool compress) => new SocketIOBroadcastOperator(Adapter).Compress(compress);

    /// <summary>A broadcast to every socket that waits at most <paramref name="timeout"/> for their answers (<c>nsp.timeout(ms)</c>).</summary>
    /// <example><code>
    /// string?[] answers = await io.Of("/goods").Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("ready?");
    /// </code></example>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => new SocketIOBroadcastOperator(Adapter).Timeout(timeout);
}
