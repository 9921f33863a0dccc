namespace Realtime.SocketIO;

// The flags of a broadcast (volatile, compress, timeout) and the broadcast that waits for every client's answer
// (Node's broadcast-operator.ts: volatile, compress, timeout, emit with a callback, emitWithAck).
public sealed partial class SocketIOBroadcastOperator
{
    /// <summary>
    /// Drops the event for each client whose transport cannot take it this instant (Node's <c>io.volatile</c>):
    /// <c>io.To("map").Volatile.Emit("position", x, y)</c>. See <see cref="SocketIOSocket.Volatile"/>.
    /// </summary>
    public SocketIOBroadcastOperator Volatile => new(_adapter, _rooms, _except, _flags with { Volatile = true });

    /// <summary>Accepted and ignored (Node's <c>compress</c>): this server never compresses.</summary>
    public SocketIOBroadcastOperator Compress(bool compress) => new(_adapter, _rooms, _except, _flags with { Compress = compress });

    /// <summary>
    /// How long <see cref="EmitWithAckAsync(string, object?[])"/> waits for the answers (Node's <c>io.timeout(ms)</c>).
    /// Must be positive and finite: a broadcast cannot wait forever for clients that may never answer.
    /// </summary>
    /// <example><code>
    /// var votes = await io.To("lunch").Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("vote?", "점심 메뉴?");
    /// </code></example>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A broadcast's timeout must be positive and at most int.MaxValue milliseconds.");
        return new(_adapter, _rooms, _except, _flags with { Timeout = timeout });
    }

    /// <summary>
    /// Emits to every selected socket and waits for each one's answer (Node's <c>io.timeout(ms).emitWithAck(...)</c>):
    /// <c>var votes = await io.To("room1").Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("vote?")</c>. Returns the
    /// answers in the order they came, one per client (none when no socket is selected). Throws
    /// <see cref="SocketIOBroadcastTimeoutException"/> (the answers that came, the sockets that did not answer) when the
    /// timeout passes first, and <see cref="InvalidOperationException"/> without <see cref="Timeout(TimeSpan)"/>: Node
    /// needs one too (without it, its timer fires at once). To stop waiting earlier, use the overload with a
    /// <see cref="CancellationToken"/>.
    /// </summary>
    public Task<IReadOnlyList<SocketIOArgs>> EmitWithAckAsync(string eventName, params object?[]? args) =>
        EmitWithAckCore(eventName, args ?? [null], CancellationToken.None);

    /// <summary>
    /// As <see cref="EmitWithAckAsync(string, object?[])"/>, with a token that also stops the wait (the task is then
    /// cancelled): the arguments as one array, then the token, so the token is never taken for an argument.
    /// </summary>
    public Task<IReadOnlyList<SocketIOArgs>> EmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        return EmitWithAckCore(eventName, args, cancellationToken);
    }

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[])"/>, reading each client's first answer argument as <typeparamref name="T"/>.</summary>
    /// <example><code>
    /// try
    /// {
    ///     string?[] votes = await io.To("lunch").Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync&lt;string&gt;("vote?", "점심 메뉴?");
    /// }
    /// catch (SocketIOBroadcastTimeoutException e)
    /// {
    ///     logger.LogInformation("{Answered} answered, {Missing} did not", e.Responses.Count, e.Missing.Count);
    /// }
    /// </code></example>
    public Task<T?[]> EmitWithAckAsync<T>(string eventName, params object?[]? args) =>
        EmitWithAckAsync<T>(eventName, args ?? [null], CancellationToken.None);

    /// <summary>As <see cref="EmitWithAckAsync(string, object?[], CancellationToken)"/>, reading each client's first answer argument as <typeparamref name="T"/>.</summary>
    /// <example><code>
    /// // The arguments as one array, then the token: stop waiting when the application shuts down.
    /// var votes = await io.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync&lt;string&gt;("vote?", ["점심 메뉴?"], app.Lifetime.ApplicationStopping);
    /// </code></example>
    public async Task<T?[]> EmitWithAckAsync<T>(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var answers = await EmitWithAckCore(eventName, args, cancellationToken).ConfigureAwait(false);
        return [.. answers.Select(answer => answer.Get<T>(0))];
    }

    private async Task<IReadOnlyList<SocketIOArgs>> EmitWithAckCore(string eventName, object?[] args, CancellationToken cancellationToken)
    {
        SocketIOSocket.CheckEventName(eventName);
        if (_flags.Timeout is not { } timeout)
            throw new InvalidOperationException($"A broadcast with acknowledgements needs a timeout: Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync(\"{eventName}\", ...).");
        SocketIOSocket.CheckNoToken(args, nameof(EmitWithAckAsync));

        var nsp = _adapter.Namespace;
        var packet = new SocketIOBroadcastPacket(nsp, eventName, args, nsp.NextAckId());
        var answers = new Answers();
        // The timeout runs from the emit, as Node's timer does: asking the cluster how many servers it has is part of it.
        using var deadline = new CancellationTokenSource(timeout, nsp.Server.TimeProvider);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            _adapter.BroadcastWithAck(packet, Options, answers.SentTo, answers.Add);
            // Each server of a cluster reports the sockets it reached; with Local only this one does.
            answers.ExpectServers(_flags.Local ? 1 : await _adapter.ServerCountAsync(waiting.Token).ConfigureAwait(false));
            return await answers.Done.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                                 && !answers.Done.IsCompletedSuccessfully)
        {
            nsp.Server.Metrics.AckTimedOut();
            throw answers.TimedOut(eventName, timeout);
        }
        finally
        {
            // Late answers are nobody's business any more (Node deletes the ack from every socket).
            if (!answers.Done.IsCompletedSuccessfully) answers.Forget(nsp, packet.AckId!.Value);
        }
    }

    /// <summary>
    /// The answers of one broadcast (Node's checkCompleteness): complete when every server reported how many clients it
    /// reached and that many answers came. Sockets of this server are known by id; other servers only count theirs.
    /// </summary>
    private sealed class Answers
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource<IReadOnlyList<SocketIOArgs>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<SocketIOArgs> _answers = [];
        private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
        private readonly List<string> _reached = [];
        private int _expectedClients;
        private int _anonymousAnswers;
        private int _servers;
        private int _expectedServers = -1; // unknown until the server count comes back

        public Task<IReadOnlyList<SocketIOArgs>> Done => _done.Task;

        public void SentTo(int clientCount, IReadOnlyCollection<string> socketIds)
        {
            lock (_gate)
            {
                _expectedClients += clientCount;
                _reached.AddRange(socketIds);
                _servers++;
                CompleteIfAllIn();
            }
        }

        public void Add(string? socketId, SocketIOArgs answer)
        {
            lock (_gate)
            {
                if (_done.Task.IsCompleted) return;
                if (socketId is null) _anonymousAnswers++;
                else if (!_answered.Add(socketId)) return; // a client answers once
                _answers.Add(answer);
                CompleteIfAllIn();
            }
        }

        public void ExpectServers(int count)
        {
            lock (_gate)
            {
                _expectedServers = count;
                CompleteIfAllIn();
            }
        }

        private void CompleteIfAllIn()
        {
            if (_servers == _expectedServers && _answers.Count >= _expectedClients) _done.TrySetResult(_answers.ToArray());
        }

        public SocketIOBroadcastTimeoutException TimedOut(string eventName, TimeSpan timeout)
        {
            lock (_gate)
            {
                _done.TrySetCanceled(); // later answers are ignored
                string[] missing = [.. _reached.Where(id => !_answered.Contains(id))];
                // Clients counted by other servers that did not answer (they are not named), and servers that never reported.
                var missingElsewhere = Math.Max(0, _expectedClients - _reached.Count - _anonymousAnswers);
                var silentServers = _expectedServers < 0 ? 0 : Math.Max(0, _expectedServers - _servers);
                return new SocketIOBroadcastTimeoutException(eventName, timeout, _answers.ToArray(), missing, missingElsewhere, silentServers);
            }
        }

        public void Forget(SocketIONamespace nsp, long ackId)
        {
            string[] reached;
            lock (_gate) reached = [.. _reached];
            foreach (var id in reached)
            {
                if (nsp.TryGetSocket(id, out var socket)) socket.ForgetAck(ackId);
            }
        }
    }
}
