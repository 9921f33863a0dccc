using System.Diagnostics;
using System.Text;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// The benchmark host (bench/BenchHost) run as a process of its own with <c>--Redis</c>, the way an operator would
/// start a cluster member; stopped by its PID when the test ends.
/// </summary>
public sealed class BenchHostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BenchHostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public Transcript Output { get; } = new();

    public static async Task<BenchHostProcess> StartAsync(RedisServer redis)
    {
        // tests/Realtime.SocketIO.Redis.Tests/bin/<Configuration>/net10.0/ → bench/BenchHost/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = output.Parent!.Name;
        var repo = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(repo, "bench", "BenchHost", "bin", configuration, output.Name, "BenchHost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"BenchHost is not built ({dll}); build the solution first.");

        var port = RedisServer.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--Redis={redis.Configuration}",
                     "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", "--Logging:LogLevel:Realtime=Information" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var host = new BenchHostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.Output.WaitFor(l => l.Contains("Now listening on", StringComparison.Ordinal), timeout: NodePeer.StartTimeout, what: "BenchHost to listen");
        return host;
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
