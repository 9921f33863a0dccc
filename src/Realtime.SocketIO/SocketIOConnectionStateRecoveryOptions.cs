namespace Realtime.SocketIO;

/// <summary>
/// Connection state recovery (Node's <c>connectionStateRecovery</c>, socket.io 4.6): a client that lost its connection
/// for a moment (a phone in a tunnel) gets back the same socket id, its rooms, its <see cref="SocketIOSocket.Data"/>
/// and the events it missed. Turn it on with <c>options.ConnectionStateRecovery = new()</c>.
/// </summary>
public sealed class SocketIOConnectionStateRecoveryOptions
{
    private TimeSpan _maxDisconnectionDuration = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a disconnected socket's session, and every event sent meanwhile, is kept. After that the client
    /// reconnects as a new socket. Node: 2 minutes.
    /// </summary>
    public TimeSpan MaxDisconnectionDuration
    {
        get => _maxDisconnectionDuration;
        set => _maxDisconnectionDuration = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxDisconnectionDuration must be positive.");
    }

    /// <summary>Whether a recovered socket skips the namespace middleware (it passed them when it first connected). Node: true.</summary>
    public bool SkipMiddlewares { get; set; } = true;
}
