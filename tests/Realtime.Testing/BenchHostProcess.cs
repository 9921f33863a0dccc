using System.Diagnostics;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// bench/BenchHost run as a process of its own, as the load harness (or an operator) starts it, with extra command-line
/// arguments such as <c>--Redis=host:port</c>; stopped by its PID. The test project must build it:
/// <c>&lt;ProjectReference Include="…/bench/BenchHost/BenchHost.csproj" ReferenceOutputAssembly="false" /&gt;</c>.
/// </summary>
public sealed class BenchHostProcess : IAsyncDisposable
{
    /// <summary>Starting a .NET process on a busy two-core machine can take a while; the start is not what is tested.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;

    private BenchHostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary>What it printed (stderr lines as <c>[stderr] …</c>).</summary>
    public Transcript Output { get; } = new();

    /// <summary>Starts it on a free loopback port with <paramref name="arguments"/> and waits until it listens.</summary>
    public static async Task<BenchHostProcess> StartAsync(params string[] arguments)
    {
        // tests/<Project>/bin/<Configuration>/net10.0/ → bench/BenchHost/bin/<Configuration>/net10.0/
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
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information" })
            start.ArgumentList.Add(arg);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var host = new BenchHostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.Output.WaitFor(l => l.Contains("Now listening on", StringComparison.Ordinal), timeout: StartTimeout, what: "BenchHost to listen");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
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
