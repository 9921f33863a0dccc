namespace Realtime.EngineIO;

/// <summary>The state of an Engine.IO session.</summary>
public enum EngineSocketState { Opening, Open, Closing, Closed }

/// <summary>One Engine.IO session (Node's engine.io <c>Socket</c>).</summary>
public sealed partial class EngineIOSocket
{
    /// <summary>The session id: 20 URL-safe base64 characters from 15 random bytes.</summary>
    public string Id { get; } = "";

    /// <summary>The current transport: "polling" or "websocket".</summary>
    public string Transport => throw new NotImplementedException();

    /// <summary>The session state.</summary>
    public EngineSocketState ReadyState => throw new NotImplementedException();

    /// <summary>The request that opened the session.</summary>
    public EngineHandshake Handshake { get; } = null!;

    /// <summary>The application's services.</summary>
    public IServiceProvider RequestServices { get; } = null!;

    /// <summary>Raised for each message from the client, in order, one at a time for this socket. Handlers must not block.</summary>
    public event Action<EngineIOSocket, EngineMessage>? Message;

    /// <summary>Raised once when the session ends, with Node's reason ("transport close", "ping timeout", ...) and an optional description.</summary>
    public event Action<EngineIOSocket, string, string?>? Closed;

    /// <summary>Raised when the transport switched to websocket.</summary>
    public event Action<EngineIOSocket>? Upgraded;

    /// <summary>Queues a message; never blocks; dropped once closing or closed. Thread-safe.</summary>
    public void Send(EngineMessage message) => throw new NotImplementedException();

    /// <summary>Queues several messages atomically (no other Send interleaves).</summary>
    public void Send(IReadOnlyList<EngineMessage> messages) => throw new NotImplementedException();

    /// <summary>Queues a text message.</summary>
    public void Send(string text) => Send(EngineMessage.FromText(text));

    /// <summary>Queues a binary message.</summary>
    public void Send(ReadOnlyMemory<byte> data) => Send(EngineMessage.FromBinary(data));

    /// <summary>Flushes what is queued, then closes the session with reason "forced close".</summary>
    public void Close() => throw new NotImplementedException();

    private void Unused() { Message?.Invoke(this, null!); Closed?.Invoke(this, "", null); Upgraded?.Invoke(this); }
}
