using System.Runtime.CompilerServices;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// One person in post 003's chat room, played by the official <c>socket.io-client</c> in Node
/// (<c>node/chat-client.mjs</c>, run from the source folder so Node finds the repository's node_modules). Each line
/// it prints lands in <see cref="Output"/>; commands go to its standard input; it exits when its input ends.
/// </summary>
public sealed class NodeChatClient : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private NodeChatClient(string name, NodeProcess node)
    {
        Name = name;
        _node = node;
    }

    public string Name { get; }

    public Transcript Output => _node.Output;

    public static NodeChatClient Start(Uri server, string name, [CallerFilePath] string sourceFile = "") =>
        new(name, NodeProcess.Start(Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"), "chat-client.mjs", [server.ToString(), name]));

    /// <summary>Waits until a printed line equals <paramref name="line"/> (<paramref name="count"/> times).</summary>
    public Task WaitForLine(string line, int count = 1) =>
        Output.WaitFor(l => l == line, count, what: $"{Name}'s Node client printing \"{line}\"");

    public Task SendAsync(string command) => _node.SendAsync(command);

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
