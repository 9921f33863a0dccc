using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// Runs one of the <c>node/*.mjs</c> scripts (the official <c>socket.io-client</c> from the repository's
/// node_modules, found because the scripts live inside the repository) with each line it prints in
/// <see cref="Output"/>, and its standard input open for commands. The scripts exit when their input ends.
/// </summary>
public sealed class SocketIONode : IAsyncDisposable
{
    private readonly Process _process;

    private SocketIONode(Process process) => _process = process;

    public Transcript Output { get; } = new();

    public static SocketIONode Start(string script, IEnumerable<string> args, [CallerFilePath] string sourceFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(sourceFile)!, "node");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        var node = new SocketIONode(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) node.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) node.Output.Add("[stderr] " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("Could not start node (Node.js 20+ must be on the PATH).");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> (fails early if Node printed an error).</summary>
    public Task WaitFor(string prefix, int count = 1) =>
        Output.WaitFor(l => l.StartsWith(prefix, StringComparison.Ordinal), count, what: $"Node printing \"{prefix}…\"");

    /// <summary>The lines starting with <paramref name="prefix"/>, without it.</summary>
    public IReadOnlyList<string> Values(string prefix) =>
        [.. Output.Lines.Where(l => l.StartsWith(prefix + " ", StringComparison.Ordinal)).Select(l => l[(prefix.Length + 1)..])];

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(Wait.DefaultTimeout);
            }
            catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
