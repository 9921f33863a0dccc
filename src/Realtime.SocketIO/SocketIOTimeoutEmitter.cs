namespace Realtime.SocketIO;

/// <summary>Emits that wait a limited time for acknowledgements (<c>socket.Timeout(TimeSpan.FromSeconds(5))</c>).</summary>
public readonly struct SocketIOTimeoutEmitter
{
    private readonly SocketIOSocket _socket;
    private readonly TimeSpan _timeout;

    internal SocketIOTimeoutEmitter(SocketIOSocket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    /// <summary>Sends and waits for the acknowledgement; <see cref="TimeoutException"/> after the timeout.</summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, params object?[]? args) => _socket.EmitWithAckCore(eventName, args ?? [null], _timeout);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        (await _socket.EmitWithAckCore(eventName, args ?? [null], _timeout).ConfigureAwait(false)).Get<T>(0);
}
