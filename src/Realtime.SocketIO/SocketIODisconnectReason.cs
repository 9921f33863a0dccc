using Realtime.EngineIO;

namespace Realtime.SocketIO;

/// <summary>The reasons given to the <c>"disconnect"</c> and <c>"disconnecting"</c> handlers (the Node server's strings).</summary>
public static class SocketIODisconnectReason
{
    /// <summary>The server called <c>socket.Disconnect()</c>.</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";
    /// <summary>The client called <c>socket.disconnect()</c> (it sent DISCONNECT for the namespace).</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";
    /// <summary>The server is stopping.</summary>
    public const string ServerShuttingDown = "server shutting down";
    /// <summary>The client did not answer a ping within pingTimeout.</summary>
    public const string PingTimeout = "ping timeout";
    /// <summary>The connection was closed (the user closed the tab, the network went away, …).</summary>
    public const string TransportClose = "transport close";
    /// <summary>The connection failed (for example a polling request that broke).</summary>
    public const string TransportError = "transport error";
    /// <summary>The client sent something Engine.IO could not parse.</summary>
    public const string ParseError = "parse error";
    /// <summary>The Engine.IO session was closed by the server (after a Socket.IO protocol error, for example).</summary>
    public const string ForcedClose = "forced close";
    /// <summary>The server closed the whole connection (<c>Disconnect(close: true)</c>, a protocol violation, the connect timeout).</summary>
    public const string ForcedServerClose = "forced server close";

    /// <summary>The reason a socket gets when its Engine.IO session closed: Node passes the engine's string on unchanged.</summary>
    internal static string FromEngine(EngineCloseReason reason) => reason switch
    {
        EngineCloseReason.TransportClose => TransportClose,
        EngineCloseReason.TransportError => TransportError,
        EngineCloseReason.PingTimeout => PingTimeout,
        EngineCloseReason.ParseError => ParseError,
        EngineCloseReason.ForcedClose => ForcedClose,
        EngineCloseReason.ServerShuttingDown => ServerShuttingDown,
        _ => reason.ToNodeString(),
    };
}
