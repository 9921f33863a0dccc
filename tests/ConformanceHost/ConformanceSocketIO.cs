using Realtime.EngineIO;
using Realtime.SocketIO;

namespace ConformanceHost;

/// <summary>
/// The Socket.IO part of the conformance host (PROTOCOL.md, "Conformance host"): what the published socket.io-protocol
/// test suite expects of a server. Program.cs serves it at /socket.io/, and the Socket.IO raw-wire tests run against exactly this.
/// </summary>
public static class ConformanceSocketIO
{
    /// <summary>pingInterval 300, pingTimeout 200, maxHttpBufferSize 1e6, connectTimeout 1000, CORS origin "*".</summary>
    public static void ConfigureOptions(SocketIOServerOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxHttpBufferSize = 1_000_000;
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
        options.Cors = EngineCorsOptions.AnyOrigin();
    }

    /// <summary>
    /// On connection to <c>/</c> emit "auth" with the handshake auth; "message" → "message-back" with the same
    /// arguments (binary included); "message-with-ack" → the ack with the same arguments; <c>/custom</c> emits "auth"
    /// on connection; any other namespace is refused ("Invalid namespace", as no other namespace exists).
    /// </summary>
    public static void Configure(SocketIOServer io)
    {
        io.On("connection", socket =>
        {
            socket.Emit("auth", socket.Handshake.Auth);
            socket.On("message", (SocketIOArgs args) => socket.Emit("message-back", args.ToArray()));
            socket.On("message-with-ack", (SocketIOArgs args) => args.Ack?.Invoke(args.ToArray()));
        });
        io.Of("/custom").On("connection", socket => socket.Emit("auth", socket.Handshake.Auth));
    }
}
