using System.Runtime.CompilerServices;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// Runs one of the <c>node/*.mjs</c> scripts (the official <c>socket.io-client</c> from the repository's
/// node_modules) with each line it prints in <see cref="Output"/>, and its standard input open for commands.
/// The scripts exit when their input ends.
/// </summary>
public sealed class NodeSocketIOClient : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private NodeSocketIOClient(NodeProcess node) => _node = node;

    public Transcript Output => _node.Output;

    public static NodeSocketIOClient Start(string script, IEnumerable<string> args, [CallerFilePath] string sourceFile = "") =>
        new(NodeProcess.Start(Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"), script, args));

    /// <summary>Waits for a line starting with <paramref name="prefix"/> (fails early if Node printed an error).</summary>
    public Task WaitFor(string prefix, int count = 1) =>
        Output.WaitFor(l => l.StartsWith(prefix, StringComparison.Ordinal), count, what: $"Node printing \"{prefix}…\"");

    /// <summary>The lines starting with <paramref name="prefix"/>, without it.</summary>
    public IReadOnlyList<string> Values(string prefix) =>
        [.. Output.Lines.Where(l => l.StartsWith(prefix + " ", StringComparison.Ordinal)).Select(l => l[(prefix.Length + 1)..])];

    public Task SendAsync(string command) => _node.SendAsync(command);

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
