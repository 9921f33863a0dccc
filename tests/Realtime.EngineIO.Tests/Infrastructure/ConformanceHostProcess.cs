using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The conformance host (its build beside this test's) as a child process, on a free port, with a one-minute
/// heartbeat (the clients here do not answer pings): optionally under <c>ulimit -n</c>, with extra environment
/// variables (e.g. <c>DOTNET_GCHeapHardLimit</c>) and arguments. Its log lines land in <see cref="Log"/>; disposing
/// kills it by its process id.
/// </summary>
public sealed partial class ConformanceHostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ConformanceHostProcess(Process process) => _process = process;

    public Transcript Log { get; } = new();
    public int Port { get; private set; }
    public bool HasExited => _process.HasExited;
    public string Output => string.Join('\n', Log.Lines.TakeLast(20));

    public static async Task<ConformanceHostProcess> StartAsync(int? openFilesLimit = null,
        IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "ConformanceHost.dll");
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // exec: the shell becomes the server, so the process id we hold is the server's.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add((openFilesLimit is { } limit ? $"ulimit -n {limit} && " : "") + "exec dotnet \"$0\" \"$@\"");
        start.ArgumentList.Add(host);
        foreach (var arg in new[]
        {
            "--urls", "http://127.0.0.1:0",
            "--EngineIO:PingIntervalMs=60000", "--EngineIO:PingTimeoutMs=60000",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:LogLevel:Realtime.EngineIO.SheddingSocketTransportFactory=Information",
            "--Logging:Console:FormatterName=simple", "--Logging:Console:FormatterOptions:SingleLine=true",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the conformance host");
        var child = new ConformanceHostProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child.Log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child.Log.Add("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child.Log.WaitFor(l => ListeningOn().IsMatch(l), what: "the child server to listen");
            child.Port = int.Parse(child.Log.Lines.Select(l => ListeningOn().Match(l)).First(m => m.Success).Groups[1].Value);
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>The child's resident memory (VmRSS), in kB; fails the test if the child is gone (or a zombie).</summary>
    public long ResidentKilobytes()
    {
        string? line = null;
        try
        {
            line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
        }
        Assert.True(line is not null && !_process.HasExited, "the server died: " + Output);
        return long.Parse(line!["VmRSS:".Length..].Trim().Split(' ')[0]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(Wait.DefaultTimeout);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();
}
