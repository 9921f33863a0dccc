using System.Diagnostics;
using System.Text;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// bench/BenchHost answers the load harness's events as the reference node-server.js does
/// (/work/shared/bench/node-server.js: <c>socket.on('echo', (payload, ack) =&gt; ack(payload))</c>), binary included.
/// </summary>
public class BenchHostTests
{
    [Fact]
    public async Task Echo_answers_what_the_client_sent_binary_included()
    {
        await using var host = await BenchHostProcess.StartAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(host.Address);
        await using var __ = wire;

        // JSON: back as it came.
        await wire.SendAsync("""420["echo",{"n":1,"s":"é"}]""");
        Assert.Equal("""430[{"n":1,"s":"é"}]""", await wire.ReceiveTextAsync());

        // A buffer: back as a buffer (a BINARY_ACK and its attachment), not as the placeholder object.
        await wire.SendAsync("""451-1["echo",{"_placeholder":true,"num":0}]""");
        await wire.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal("""461-1[{"_placeholder":true,"num":0}]""", await wire.ReceiveTextAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, await wire.ReceiveBinaryAsync());

        // A buffer inside an object, beside JSON.
        await wire.SendAsync("""451-2["echo",{"name":"a.gif","data":{"_placeholder":true,"num":0}}]""");
        await wire.SendAsync(new byte[] { 0x47, 0x49, 0x46 });
        Assert.Equal("""461-2[{"name":"a.gif","data":{"_placeholder":true,"num":0}}]""", await wire.ReceiveTextAsync());
        Assert.Equal(new byte[] { 0x47, 0x49, 0x46 }, await wire.ReceiveBinaryAsync());
    }
}

/// <summary>bench/BenchHost run as its own process, as the load harness starts it; stopped by its PID.</summary>
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

    public static async Task<BenchHostProcess> StartAsync()
    {
        // tests/Realtime.SocketIO.Tests/bin/<Configuration>/net10.0/ → bench/BenchHost/bin/<Configuration>/net10.0/
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
        var process = Process.Start(start)!;
        var host = new BenchHostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.Output.WaitForText("Now listening on");
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
