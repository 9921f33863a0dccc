using System.Diagnostics;
using System.Runtime.CompilerServices;
using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// Runs <c>posts-listener.mjs</c> (the official Node <c>socket.io-client</c>) against the app and records each line it
/// prints in <see cref="Lines"/>. Node finds <c>socket.io-client</c> in the repository's <c>node_modules</c> because
/// the script runs from this source folder.
/// </summary>
public sealed class NodeListener : IAsyncDisposable
{
    private readonly Process _process;

    private NodeListener(Process process) => _process = process;

    public Transcript Lines { get; } = new();

    public static async Task<NodeListener> ConnectAsync(Uri server, [CallerFilePath] string sourceFile = "")
    {
        var folder = Path.GetDirectoryName(sourceFile)!;
        var start = new ProcessStartInfo("node", ["posts-listener.mjs", server.ToString()])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var listener = new NodeListener(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) listener.Lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) listener.Lines.Add("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await listener.Lines.WaitFor(l => l == "connected" || l.StartsWith("connect_error", StringComparison.Ordinal)
            || l.StartsWith("[stderr]", StringComparison.Ordinal), what: "the Node client to connect");
        if (!listener.Lines.Lines.Contains("connected"))
        {
            throw new InvalidOperationException("The Node client did not connect:\n" + listener.Lines);
        }
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();         // the script exits when its input ends
            await _process.WaitForExitAsync().WaitAsync(Wait.DefaultTimeout);
        }
        catch (TimeoutException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
