using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) started by a test on a free loopback port, with no persistence, and
/// stopped by its PID when the test ends. <see cref="StopAsync"/> and <see cref="StartAsync"/> take it away and bring
/// it back on the same port, for the tests of what a server does while Redis is gone.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:{port}</c>, a StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>redis-server's own log (its standard output).</summary>
    public Transcript Log { get; } = new();

    /// <summary>The process id while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts a new server on a free port and waits until it accepts commands.</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer(FreeLoopbackPort());
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts (or restarts) the server on its port and waits for its PONG.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var path = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "notice" })
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log.Add("[stderr] " + e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (./test.sh installs Debian's redis-server when it runs as root).", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var ready = Log.Count(l => l.Contains("Ready to accept connections", StringComparison.Ordinal));
        // A restart on the same port logs the line once more.
        await Log.WaitFor(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), ready + 1,
            what: $"from redis-server on port {Port} saying it is ready");
    }

    /// <summary>Stops the server (SIGKILL, as a crash would) and waits for it to be gone.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Sends one command in RESP and returns the raw reply (e.g. <c>PUBSUB NUMSUB ch</c>).</summary>
    public async Task<string> CommandAsync(params string[] words)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{words.Length}\r\n");
        foreach (var word in words) request.Append($"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>A port that is free on 127.0.0.1 right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
