using System.Runtime.CompilerServices;
using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// Runs <c>posts-listener.mjs</c> (the official Node <c>socket.io-client</c>) against the app and records each line it
/// prints in <see cref="Lines"/>. Node finds <c>socket.io-client</c> in the repository's <c>node_modules</c> because
/// the script runs from this source folder; it exits when its input ends (on dispose).
/// </summary>
public sealed class NodeListener : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private NodeListener(NodeProcess node) => _node = node;

    public Transcript Lines => _node.Output;

    /// <summary>Connects with <paramref name="token"/> in the handshake's auth; fails unless the server lets it in.</summary>
    public static async Task<NodeListener> ConnectAsync(Uri server, string token, [CallerFilePath] string sourceFile = "")
    {
        var listener = await TryConnectAsync(server, token, sourceFile);
        if (!listener.Lines.Lines.Contains("connected"))
        {
            await listener.DisposeAsync();
            throw new InvalidOperationException("The Node client did not connect:\n" + listener.Lines);
        }
        return listener;
    }

    /// <summary>
    /// Connects with <paramref name="token"/> (none when null) and returns once the server has answered the namespace
    /// CONNECT either way: <see cref="Lines"/> then holds <c>connected</c> or <c>connect_error &lt;message&gt;</c>.
    /// </summary>
    public static async Task<NodeListener> TryConnectAsync(Uri server, string? token, [CallerFilePath] string sourceFile = "")
    {
        string[] args = token is null ? [server.ToString()] : [server.ToString(), token];
        var listener = new NodeListener(NodeProcess.Start(Path.GetDirectoryName(sourceFile)!, "posts-listener.mjs", args));
        await listener.Lines.WaitFor(l => l == "connected" || l.StartsWith("connect_error", StringComparison.Ordinal)
            || l.StartsWith("[stderr]", StringComparison.Ordinal), what: "the Node client to connect");
        return listener;
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
