using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>
/// A Node script beside the test sources (so Node finds the repository's node_modules), run with its stdout lines in
/// a <see cref="Transcript"/> and its stdin open for commands. Killed on dispose.
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;

    private NodeScript(Process process) => _process = process;

    public Transcript Output { get; } = new();

    public static NodeScript Start(string scriptName, IEnumerable<string> args, [CallerFilePath] string callerFile = "")
    {
        var folder = Path.GetDirectoryName(callerFile)!;
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
        start.ArgumentList.Add(Path.Combine(folder, scriptName));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start };
        var script = new NodeScript(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) script.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) script.Output.Add("#stderr " + e.Data); };
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start node (Node.js 20+ must be on the PATH).");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
