using Microsoft.Extensions.Logging;
using Realtime.Testing;
using TcpNet.Client;
using TcpNet.Server;

namespace TcpNet.Tests;

/// <summary>
/// Starts the step's real server on 127.0.0.1 and a free port, and real clients against it, each with its log
/// lines captured in a <see cref="Transcript"/> (exactly the text the console would print; warnings and errors
/// carry a <c>warn: </c> / <c>error: </c> prefix).
/// </summary>
internal sealed class TcpNetHarness : IAsyncDisposable
{
    private readonly List<ILoggerFactory> _loggers = [];
    private readonly List<(CancellationTokenSource Stop, Task Run)> _clients = [];

    private TcpNetHarness(TcpNetServerOptions options)
    {
        options.Address = "127.0.0.1";
        options.Port = 0;
        Server = new TcpNetServer(options, LoggerFor(ServerLog).CreateLogger<TcpNetServer>());
    }

    public TcpNetServer Server { get; }

    public Transcript ServerLog { get; } = new();

    public static TcpNetHarness StartServer(TcpNetServerOptions options)
    {
        var harness = new TcpNetHarness(options);
        harness.Server.Start();
        return harness;
    }

    /// <summary>Runs a real <see cref="TcpNetClient"/> against the server; stop it with <see cref="RunningClient.StopAsync"/>.</summary>
    /// <param name="time">The client's clock (its interval and idle timeout); by default the real one.</param>
    public RunningClient StartClient(TcpNetClientOptions options, TimeProvider? time = null)
    {
        options.Host = "127.0.0.1";
        options.Port = Server.Port;
        var log = new Transcript();
        var client = new TcpNetClient(options, LoggerFor(log).CreateLogger<TcpNetClient>(), time);
        var stop = new CancellationTokenSource();
        var run = client.RunAsync(stop.Token);
        _clients.Add((stop, run));
        return new RunningClient(log, stop, run);
    }

    /// <summary>A logger factory writing into <paramref name="transcript"/>.</summary>
    public ILoggerFactory LoggerFor(Transcript transcript)
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(new TranscriptLoggerProvider(transcript, prefix: "")));
        _loggers.Add(factory);
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, _) in _clients)
        {
            await stop.CancelAsync();
        }
        await Server.DisposeAsync();
        foreach (var (stop, run) in _clients)
        {
            await Wait.For(run, "a client to end");
            stop.Dispose();
        }
        foreach (var factory in _loggers)
        {
            factory.Dispose();
        }
    }
}

/// <summary>A <see cref="TcpNetClient"/> running in the background.</summary>
internal sealed record RunningClient(Transcript Log, CancellationTokenSource Stop, Task Run)
{
    /// <summary>Like Ctrl+C: the client ends its side and waits for the server to close.</summary>
    public async Task StopAsync()
    {
        await Stop.CancelAsync();
        await Wait.For(Run, "the client to end");
    }
}
