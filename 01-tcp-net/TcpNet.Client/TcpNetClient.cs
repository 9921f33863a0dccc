using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TcpNet.Client;

/// <summary>
/// The post's <c>client.js</c>: connects to the server, writes <c>Hello~~ I am client.</c> every
/// <see cref="TcpNetClientOptions.IntervalMs"/>, and logs what the server writes.
/// <para>
/// Fixes: an idle timeout is really set (the original's <c>"timeout"</c> handler could never fire), and the timer
/// stops when the connection ends.
/// </para>
/// </summary>
/// <param name="time">The clock of the interval and the idle timeout: the real one unless a test passes its own.</param>
public sealed partial class TcpNetClient(TcpNetClientOptions options, ILogger<TcpNetClient> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>What the client writes on every tick.</summary>
    public const string Greeting = "Hello~~ I am client.";

    /// <summary>After Ctrl+C, how long we wait for the server to close its side once we have sent our FIN.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connects and talks until the server ends the connection (<c>disconnected.</c>), the idle timeout
    /// (<c>connection timeout.</c>), an error, or <paramref name="stoppingToken"/> (Ctrl+C: we end our side politely
    /// with a FIN and wait for the server to close).
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // net.connect({ port: 5000 }). Without an address family the socket is dual-mode: "localhost" may be ::1 or 127.0.0.1.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (SocketException ex)
        {
            LogError(ex.Message); // e.g. "Connection refused": no server on that port
            return;
        }
        // The idle timeout (Node's socket.setTimeout) is a token that fires unless data keeps arriving. Its countdown
        // starts with the connection.
        var idleTimeout = options.IdleTimeoutMs > 0 ? TimeSpan.FromMilliseconds(options.IdleTimeoutMs) : Timeout.InfiniteTimeSpan;
        using var idle = new CancellationTokenSource(idleTimeout, _time);
        LogConnected(); // socket.on("connect", ...)

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var ended = new CancellationTokenSource(); // this connection is over, whatever the reason
        var writer = WriteAsync(socket, stream, stoppingToken, ended);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ended.Token, idle.Token);
        try
        {
            var messages = options.Framing == Framing.Lines
                ? MessageReader.ReadLinesAsync(stream, options.MaxLineBytes, reading.Token)
                : MessageReader.ReadChunksAsync(stream, reading.Token);
            await foreach (var text in messages)
            {
                idle.CancelAfter(idleTimeout); // data arrived: restart the idle countdown
                LogFromServer(text);          // socket.on("data", ...)
            }
            LogDisconnected(); // the server sent FIN: socket.on("end", ...)
        }
        catch (OperationCanceledException) when (!ended.IsCancellationRequested)
        {
            LogTimeout(); // socket.on("timeout", ...); we also close, as a silent server is as good as gone
        }
        catch (OperationCanceledException)
        {
            // A write failed (already logged), or the server did not close within the grace period after Ctrl+C.
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
        {
            LogError(Describe(ex)); // socket.on("error", ...), e.g. "Connection reset by peer"
        }
        finally
        {
            await ended.CancelAsync(); // stops the timer
            await writer;
        }
    }

    /// <summary>The post's <c>setInterval(() => socket.write("Hello~~ I am client."), 1000)</c>, stopped when the connection ends.</summary>
    private async Task WriteAsync(Socket socket, NetworkStream stream, CancellationToken stoppingToken, CancellationTokenSource ended)
    {
        var greeting = Encoding.UTF8.GetBytes(options.Framing == Framing.Lines ? Greeting + "\n" : Greeting);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, ended.Token);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.IntervalMs), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                // Several writes back to back (Burst > 1): in raw mode the server may read them as one chunk.
                for (var i = 0; i < options.Burst; i++)
                {
                    await stream.WriteAsync(greeting, ended.Token);
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            // Ask the sources, not the linked `stop`: CancelAsync cancels `stop` a moment later, and a tick can
            // slip in between and fail its write with `ended` already cancelled.
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            LogError(Describe(ex));
            await ended.CancelAsync();
        }

        if (stoppingToken.IsCancellationRequested && !ended.IsCancellationRequested)
        {
            // Ctrl+C: send FIN (Node's socket.end()) and keep reading until the server closes too.
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // already gone; the read loop will notice
            }
            ended.CancelAfter(ShutdownGrace);
        }
    }

    private static string Describe(Exception ex) =>
        ex is IOException { InnerException: SocketException inner } ? inner.Message : ex.Message;

    [LoggerMessage(EventId = 1, EventName = "Connected", Level = LogLevel.Information, Message = "connected to server!")]
    private partial void LogConnected();

    [LoggerMessage(EventId = 2, EventName = "Data", Level = LogLevel.Information, Message = "From Server:{Text}")]
    private partial void LogFromServer(string text);

    [LoggerMessage(EventId = 3, EventName = "End", Level = LogLevel.Information, Message = "disconnected.")]
    private partial void LogDisconnected();

    [LoggerMessage(EventId = 4, EventName = "Timeout", Level = LogLevel.Warning, Message = "connection timeout.")]
    private partial void LogTimeout();

    // Node prints an error object as "Error: <message>"; SYSLIB1012 would have us drop that prefix.
#pragma warning disable SYSLIB1012
    [LoggerMessage(EventId = 5, EventName = "Error", Level = LogLevel.Error, Message = "Error: {Error}")]
    private partial void LogError(string error);
#pragma warning restore SYSLIB1012
}
