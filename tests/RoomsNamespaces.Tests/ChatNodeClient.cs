using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// One person in post 003's chat room, played by the official <c>socket.io-client</c> in Node
/// (<c>node/chat-client.mjs</c>, run from the source folder so Node finds the repository's node_modules). Each line
/// it prints lands in <see cref="Output"/>; commands go to its standard input; it exits when its input ends.
/// </summary>
public sealed class ChatNodeClient : IAsyncDisposable
{
    private readonly Process _process;

    private ChatNodeClient(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Transcript Output { get; } = new();

    public static ChatNodeClient Start(Uri server, string name, [CallerFilePath] string sourceFile = "")
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add("chat-client.mjs");
        start.ArgumentList.Add(server.ToString());
        start.ArgumentList.Add(name);
        var process = new Process { StartInfo = start };
        var client = new ChatNodeClient(name, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) client.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) client.Output.Add("[stderr] " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("Could not start node (Node.js 20+ must be on the PATH).");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Waits until a printed line equals <paramref name="line"/> (<paramref name="count"/> times).</summary>
    public Task WaitForLine(string line, int count = 1) =>
        Output.WaitFor(l => l == line, count, what: $"{Name}'s Node client printing \"{line}\"");

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
