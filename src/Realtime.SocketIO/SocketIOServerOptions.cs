using System.Text.Json;
using Realtime.EngineIO;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// Options of the Socket.IO server, with the Node server's defaults. The Engine.IO options (path, pingInterval,
/// pingTimeout, maxHttpBufferSize, transports, cors, …) are inherited; <see cref="EngineIOServerOptions.Path"/>
/// defaults to <c>/socket.io</c> here.
/// </summary>
public class SocketIOServerOptions : EngineIOServerOptions
{
    /// <summary>Creates options with the defaults.</summary>
    public SocketIOServerOptions() => Path = "/socket.io";

    /// <summary>How long a new connection may wait before joining a namespace; then it is closed. Node: 45 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Removes a namespace created by a dynamic pattern (<c>io.Of(regex)</c>, <c>io.Of((name, auth) =&gt; …)</c>) when its
    /// last socket leaves, so that names clients come and go with do not stay in memory; the next connection to that
    /// name creates it again (and runs the pattern's middleware and connection handlers again). Node:
    /// <c>cleanupEmptyChildNamespaces</c>, false.
    /// </summary>
    public bool CleanupEmptyChildNamespaces { get; set; }

    /// <summary>Serve the browser client at <c>{path}/socket.io.js</c> (and the min, esm and map files). Node: true.</summary>
    public bool ServeClient { get; set; } = true;

    /// <summary>The most binary attachments one packet may announce; more closes the connection. socket.io-parser: 10.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// The most bytes the binary attachments of one packet may add up to; more closes the connection ("forced server
    /// close"). Null (the default): <see cref="EngineIOServerOptions.MaxHttpBufferSize"/>, so a packet holds no more over
    /// WebSocket, one attachment per message, than one polling request may carry. Node has no such limit: a client that
    /// announces 10 attachments and sends 9 holds them for as long as it stays connected.
    /// </summary>
    public long? MaxAttachmentBytes { get; set; }

    /// <summary>
    /// How long a binary packet may wait for its last attachment after its text part arrived; then the connection is
    /// closed ("forced server close"). Default 30 s; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits
    /// forever (Node). A real client sends the attachments right after the text part.
    /// </summary>
    public TimeSpan AttachmentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most log lines one connection's packets may cause per minute (a refused namespace, an invalid packet, a
    /// handler that threw, …); past it one line says so and the rest of the minute is not logged. Each line keeps at
    /// most 200 characters of any text the client chose. Default 20; 0 = no limit. Node logs none of these.
    /// </summary>
    public int ClientLogLinesPerMinute { get; set; } = 20;

    /// <summary>
    /// How event arguments are read and written. Defaults to <see cref="SocketIOJson.Options"/> (web defaults,
    /// JSON.stringify-identical output, binary attachments); build your own from <see cref="SocketIOJson.CreateOptions"/>.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = SocketIOJson.Options;

    /// <summary>
    /// Connection state recovery (Node's <c>connectionStateRecovery</c>): null (the default) = off. When set, a client
    /// back within <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/> after a transport loss
    /// recovers its socket and the events it missed (needs <see cref="SessionAwareSocketIOAdapter"/>, the default adapter then).
    /// </summary>
    public SocketIOConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>
    /// Creates the room adapter of each namespace. Default: <see cref="InMemorySocketIOAdapter"/> (one server), or
    /// <see cref="SessionAwareSocketIOAdapter"/> when <see cref="ConnectionStateRecovery"/> is on.
    /// </summary>
    public Func<SocketIONamespace, ISocketIOAdapter> AdapterFactory { get; set; } = nsp =>
        nsp.Server.Options.ConnectionStateRecovery is null ? new InMemorySocketIOAdapter(nsp) : new SessionAwareSocketIOAdapter(nsp);
}
