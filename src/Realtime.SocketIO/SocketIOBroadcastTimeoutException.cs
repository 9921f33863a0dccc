namespace Realtime.SocketIO;

/// <summary>
/// A broadcast with acknowledgements (<c>io.Timeout(t).EmitWithAckAsync(...)</c>) did not get every client's answer in
/// time (Node rejects with "operation has timed out" and <c>err.responses</c>). <see cref="Responses"/> holds the
/// answers that came, in arrival order; <see cref="Missing"/> names this server's sockets that did not answer;
/// with a multi-server adapter, <see cref="MissingElsewhere"/> counts the silent clients of other servers (which report
/// a count, not ids) and <see cref="SilentServers"/> the servers that did not even report how many clients they reached.
/// </summary>
public sealed class SocketIOBroadcastTimeoutException(
    string eventName, TimeSpan timeout, IReadOnlyList<SocketIOArgs> responses, IReadOnlyList<string> missing, int missingElsewhere = 0, int silentServers = 0)
    : TimeoutException($"\"{eventName}\": {responses.Count} of {responses.Count + missing.Count + missingElsewhere} clients answered within " +
                       $"{timeout.TotalMilliseconds:0.###} ms (operation has timed out)" +
                       (missing.Count > 0 ? $"; no answer from {Describe(missing)}" : "") +
                       (missingElsewhere > 0 ? $"; {missingElsewhere} on other servers did not answer" : "") +
                       (silentServers > 0 ? $"; {silentServers} servers did not report" : "") + ".")
{
    /// <summary>The answers that came (each client's first answer argument is <c>Get&lt;T&gt;(0)</c>).</summary>
    public IReadOnlyList<SocketIOArgs> Responses { get; } = responses;

    /// <summary>The ids of this server's sockets the event reached that did not answer (disconnected ones included).</summary>
    public IReadOnlyList<string> Missing { get; } = missing;

    /// <summary>How many clients of other servers were reached and did not answer.</summary>
    public int MissingElsewhere { get; } = missingElsewhere;

    /// <summary>How many servers of the cluster did not report how many clients they reached.</summary>
    public int SilentServers { get; } = silentServers;

    /// <summary>How long the broadcast waited.</summary>
    public TimeSpan Timeout { get; } = timeout;

    // The message stays short with many silent clients: the whole list is in Missing.
    private static string Describe(IReadOnlyList<string> missing) =>
        missing.Count <= 10 ? string.Join(", ", missing) : string.Join(", ", missing.Take(10)) + $" and {missing.Count - 10} more";
}
