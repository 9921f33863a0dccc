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

    /// <summary>Serve the browser client at <c>{path}/socket.io.js</c> (and the min, esm and map files). Node: true.</summary>
    public bool ServeClient { get; set; } = true;

    /// <summary>The most binary attachments one packet may announce; more closes the connection. socket.io-parser: 10.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// How event arguments are read and written. Defaults to <see cref="SocketIOJson.Options"/> (web defaults,
    /// JSON.stringify-identical output, binary attachments); build your own from <see cref="SocketIOJson.CreateOptions"/>.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = SocketIOJson.Options;

    /// <summary>Creates the room adapter of each namespace. Default: <see cref="InMemorySocketIOAdapter"/> (one server).</summary>
    public Func<SocketIONamespace, ISocketIOAdapter> AdapterFactory { get; set; } = nsp => new InMemorySocketIOAdapter(nsp);
}
