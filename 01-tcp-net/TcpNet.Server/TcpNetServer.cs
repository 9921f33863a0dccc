using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TcpNet.Server;

/// <summary>
/// The post's <c>server.js</c>: a TCP server that logs what each client writes and writes
/// <c>Hi, I am server</c> to each client every <see cref="TcpNetServerOptions.IntervalMs"/>.
/// <para>
/// One listening socket, and per client one async read loop and one timer: no thread per connection. What the
/// original got wrong and this fixes: the timer is stopped when its connection ends (the original's
/// <c>setInterval</c> ran forever), and a client that vanishes (reset, write error) is logged and closed without
/// touching anyone else (in Node an unhandled socket <c>"error"</c> crashes the whole server).
/// </para>
/// </summary>
public sealed partial class TcpNetServer(TcpNetServerOptions options, ILogger<TcpNetServer> logger) : IAsyncDisposable
{
    /// <summary>What the server writes to each client on every tick.</summary>
    public const string Greeting = "Hi, I am server";

    /// <summary>How long <see cref="StopAsync"/> lets clients answer our FIN before cutting them off.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new(); // graceful stop: no new clients, timers off, FIN to all
    private readonly CancellationTokenSource _aborting = new(); // hard stop: stop reading too
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _activeTimers;

    /// <summary>The port really listened on (useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Clients connected right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Greeting timers running right now: one per connected client, back to 0 when they are gone.</summary>
    public int ActiveTimers => Volatile.Read(ref _activeTimers);

    /// <summary>Starts listening (logs <c>listening on 5000</c>) and accepting clients in the background.</summary>
    /// <exception cref="SocketException">The address cannot be listened on (e.g. the port is in use); logged as <c>err: ...</c>.</exception>
    public void Start()
    {
        var address = string.IsNullOrEmpty(options.Address)
            ? (Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any)
            : IPAddress.Parse(options.Address);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true; // accept IPv4 clients on the IPv6 socket too, as Node does
            }
            listener.Bind(new IPEndPoint(address, options.Port));
            listener.Listen();
        }
        catch (SocketException ex)
        {
            LogServerError(ex.Message); // the post's server.on("error"), readable: "err: Address already in use"
            listener.Dispose();
            throw;
        }
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        LogListening(Port);
        _acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>Starts, runs until <paramref name="stoppingToken"/> is cancelled (Ctrl+C), then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        Start();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        await StopAsync();
    }

    /// <summary>
    /// Stops accepting, stops every timer, ends every connection with a FIN (like Node's <c>socket.end()</c>), and
    /// waits for the clients to close their side; after a grace period the remaining connections are cut off.
    /// </summary>
    public async Task StopAsync()
    {
        if (_listener is null || _stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        var connections = Task.WhenAll(_connections.Keys);
        try
        {
            await connections.WaitAsync(ShutdownGrace);
        }
        catch (TimeoutException)
        {
            await _aborting.CancelAsync();
            await connections;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return; // stopping
            }
            catch (SocketException ex)
            {
                LogServerError(ex.Message); // e.g. a client gone before it was accepted: keep serving the others
                continue;
            }
            var connection = ServeAsync(client);
            _connections[connection] = true;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    /// <summary>One client, from accept to close: Node's <c>net.createServer(socket => ...)</c> callback.</summary>
    private async Task ServeAsync(Socket socket)
    {
        // Cancelled when this connection ends, whatever the reason: it stops this client's timer.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(_aborting.Token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var greeter = GreetAsync(socket, stream, ended);
        try
        {
            var messages = options.Framing == Framing.Lines
                ? MessageReader.ReadLinesAsync(stream, options.MaxLineBytes, ended.Token)
                : MessageReader.ReadChunksAsync(stream, ended.Token);
            await foreach (var text in messages)
            {
                LogFromClient(text); // socket.on("data", ...)
            }
            // The loop ended normally: the client closed its side (FIN).
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // Cut off by the server (hard stop) or after a failed write (already logged).
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
        {
            LogClientError(Describe(ex)); // e.g. "Connection reset by peer": only this client is affected
        }
        finally
        {
            await ended.CancelAsync(); // the fix: the original's setInterval kept running after close
            await greeter;
            await stream.DisposeAsync(); // closes the socket
            LogClientDisconnected();     // socket.on("close", ...)
        }
    }

    /// <summary>The post's <c>setInterval(() => socket.write("Hi, I am server"), 2000)</c>, stopped when the connection ends.</summary>
    private async Task GreetAsync(Socket socket, NetworkStream stream, CancellationTokenSource ended)
    {
        var greeting = Encoding.UTF8.GetBytes(options.Framing == Framing.Lines ? Greeting + "\n" : Greeting);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ended.Token, _stopping.Token);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.IntervalMs));
        Interlocked.Increment(ref _activeTimers);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await stream.WriteAsync(greeting, ended.Token);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // Ask the sources, not the linked `stop`: CancelAsync runs the callback that cancels `stop` a moment
            // later, and a tick can slip in between and fail its write with `ended` already cancelled.
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            LogClientError(Describe(ex)); // the client is gone: end the connection, reads included
            await ended.CancelAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _activeTimers);
        }

        if (_stopping.IsCancellationRequested && !ended.IsCancellationRequested)
        {
            // The server is stopping: send FIN ("no more data from me"). The read loop goes on until the client
            // closes its side too, so nothing it sent is lost and no reset is sent.
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // already gone; the read loop will notice
            }
        }
    }

    private static string Describe(Exception ex) =>
        ex is IOException { InnerException: SocketException inner } ? inner.Message : ex.Message;

    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information, Message = "listening on {Port}")]
    private partial void LogListening(int port);

    [LoggerMessage(EventId = 2, EventName = "Data", Level = LogLevel.Information, Message = "From client: {Text}")]
    private partial void LogFromClient(string text);

    [LoggerMessage(EventId = 3, EventName = "ClientClosed", Level = LogLevel.Information, Message = "client disconnected.")]
    private partial void LogClientDisconnected();

    [LoggerMessage(EventId = 4, EventName = "ClientError", Level = LogLevel.Warning, Message = "client error: {Error}")]
    private partial void LogClientError(string error);

    // The post printed "err" + err; SYSLIB1012 would have us drop the "err:" that the post's readers look for.
#pragma warning disable SYSLIB1012
    [LoggerMessage(EventId = 5, EventName = "ServerError", Level = LogLevel.Error, Message = "err: {Error}")]
    private partial void LogServerError(string error);
#pragma warning restore SYSLIB1012
}
