namespace Realtime.SocketIO;

/// <summary>
/// A broadcast with acknowledgements (<c>io.Timeout(t).EmitWithAckAsync(...)</c>) did not get every client's answer in
/// time (Node rejects with "operation has timed out" and <c>err.responses</c>). <see cref="Responses"/> holds the
/// answers that came, in arrival order; <see cref="Missing"/> names the sockets that did not answer.
/// </summary>
public sealed class SocketIOBroadcastTimeoutException(string eventName, TimeSpan timeout, IReadOnlyList<SocketIOArgs> responses, IReadOnlyList<string> missing)
    : TimeoutException($"\"{eventName}\": {responses.Count} of {responses.Count + missing.Count} clients answered within " +
                       $"{timeout.TotalMilliseconds:0.###} ms (operation has timed out); no answer from {Describe(missing)}.")
{
    /// <summary>The answers that came (each client's first answer argument is <c>Get&lt;T&gt;(0)</c>).</summary>
    public IReadOnlyList<SocketIOArgs> Responses { get; } = responses;

    /// <summary>The ids of the sockets the event reached that did not answer (disconnected ones included).</summary>
    public IReadOnlyList<string> Missing { get; } = missing;

    /// <summary>How long the broadcast waited.</summary>
    public TimeSpan Timeout { get; } = timeout;

    // The message stays short with many silent clients: the whole list is in Missing.
    private static string Describe(IReadOnlyList<string> missing) =>
        missing.Count <= 10 ? string.Join(", ", missing) : string.Join(", ", missing.Take(10)) + $" and {missing.Count - 10} more";
}
