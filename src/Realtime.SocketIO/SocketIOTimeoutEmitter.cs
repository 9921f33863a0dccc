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
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, params object?[]? args) =>
        _socket.EmitWithAckCore(eventName, args ?? [null], _timeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="EmitWithAckAsync(string, object?[])"/>, with a token that also stops the wait (the task is then
    /// cancelled rather than timed out): the arguments as one array, then the token.
    /// </summary>
    public Task<SocketIOArgs> EmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        return _socket.EmitWithAckCore(eventName, args, _timeout, cancellationToken);
    }

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        (await _socket.EmitWithAckCore(eventName, args ?? [null], _timeout, CancellationToken.None).ConfigureAwait(false)).Get<T>(0);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[], CancellationToken)"/>, reading the first argument of the answer as <typeparamref name="T"/>.</summary>
    public async Task<T?> EmitWithAckAsync<T>(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        return (await _socket.EmitWithAckCore(eventName, args, _timeout, cancellationToken).ConfigureAwait(false)).Get<T>(0);
    }
}
