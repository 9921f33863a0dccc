namespace Realtime.EngineIO;

/// <summary>
/// A way packets travel between one client and its <see cref="EngineIOSocket"/> (Node's <c>Transport</c>).
/// Members documented "(locked)" are called with <see cref="EngineIOSocket.Gate"/> held: they never block and never
/// raise application events.
/// </summary>
internal abstract class EngineTransport(EngineIOSocket socket, EngineIOServer server)
{
    protected EngineIOSocket Socket { get; } = socket;
    protected EngineIOServer Server { get; } = server;
    protected bool Discarded { get; private set; }

    /// <summary>"polling" or "websocket".</summary>
    public abstract string Name { get; }

    /// <summary>(locked) True when <see cref="Send"/> can deliver now.</summary>
    public abstract bool Writable { get; }

    /// <summary>
    /// (locked) True when a packet sent now leaves at once rather than waiting behind others (Node's
    /// <c>transport.writable</c>); a volatile packet is dropped otherwise. Polling: a GET is waiting.
    /// </summary>
    public virtual bool WritableNow => Writable;

    /// <summary>(locked) Delivers a batch of packets; the caller reuses the list afterwards (copy what you keep).</summary>
    public abstract void Send(List<EnginePacket> packets);

    /// <summary>
    /// (locked) Starts closing. Returns true when the transport is closed now; false when a graceful polling close
    /// waits for the client's next GET (the transport then closes the socket itself).
    /// </summary>
    public abstract bool BeginClose(bool graceful);

    /// <summary>(locked) The client sent a close packet over this transport.</summary>
    public virtual void OnClientClosedLocked() { }

    /// <summary>(locked) The transport was replaced by an upgrade: close without ceremony.</summary>
    public void Discard() => Discarded = true;
}
