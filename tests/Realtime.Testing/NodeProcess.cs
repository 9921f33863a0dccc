using System.Diagnostics;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// A Node script run by a test, e.g. one that drives the official <c>socket.io-client</c>. Run it from a folder inside
/// the repository so Node finds the repository's <c>node_modules</c>. Each line it prints lands in
/// <see cref="Output"/> (stderr lines as <c>[stderr] …</c>); commands go to its standard input, one per line.
/// Disposing closes its input, which the scripts take as the cue to leave politely; one that does not exit is killed.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private bool _disposed;

    private NodeProcess(Process process) => _process = process;

    public Transcript Output { get; } = new();

    /// <summary>Starts <c>node <paramref name="script"/> <paramref name="args"/></c> in <paramref name="folder"/>.</summary>
    public static NodeProcess Start(string folder, string script, IEnumerable<string> args)
    {
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
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) node.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) node.Output.Add("[stderr] " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("Could not start node (Node.js 20+ must be on the PATH).");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Writes one command line to the script's standard input.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Ends the script (see the class summary); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
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
