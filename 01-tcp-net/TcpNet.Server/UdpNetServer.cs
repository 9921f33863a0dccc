using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TcpNet.Server;

/// <summary>
/// The same server over UDP (<c>--udp true</c>), to show the difference post 004 describes. Each datagram is one
/// message, boundaries kept, so there is no framing to do; but there is no connection: no accept, no "client
/// disconnected.". The server only knows the addresses that sent it something, greets them every
/// <see cref="TcpNetServerOptions.IntervalMs"/>, and forgets one after <see cref="TcpNetServerOptions.UdpForgetAfterMs"/>
/// of silence, because silence is all it will ever hear when a client goes away.
/// </summary>
public sealed partial class UdpNetServer(TcpNetServerOptions options, ILogger<UdpNetServer> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<EndPoint, long> _clients = new(); // address → last time heard (ms)
    private Socket? _socket;
    private Task _loops = Task.CompletedTask;

    /// <summary>The UDP port really bound (useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Clients heard from recently: the only notion of "connected" UDP has.</summary>
    public int KnownClients => _clients.Count;

    /// <summary>Binds the UDP port (logs <c>listening on 5000 (UDP)</c>) and starts receiving and greeting.</summary>
    public void Start()
    {
        var address = string.IsNullOrEmpty(options.Address)
            ? (Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any)
            : IPAddress.Parse(options.Address);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(new IPEndPoint(address, options.Port));
        }
        catch (SocketException ex)
        {
            LogServerError(ex.Message);
            socket.Dispose();
            throw;
        }
        _socket = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        LogListening(Port);
        _loops = Task.WhenAll(ReceiveAsync(socket), GreetAsync(socket));
    }

    /// <summary>Starts, runs until <paramref name="stoppingToken"/> is cancelled (Ctrl+C), then stops.</summary>
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

    /// <summary>Stops receiving and greeting. Nobody is told: there is no connection to end.</summary>
    public async Task StopAsync()
    {
        if (_socket is null || _stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _loops;
        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task ReceiveAsync(Socket socket)
    {
        var buffer = new byte[65_527]; // the largest UDP payload: a datagram always arrives whole, or not at all
        var anyone = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var result = await socket.ReceiveFromAsync(buffer, anyone, _stopping.Token);
                _clients[result.RemoteEndPoint] = Environment.TickCount64;
                LogFromClient(Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes)); // one datagram, one message
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // E.g. "Connection refused": an earlier greeting hit a port nobody listens on any more (an ICMP
                // message came back). It says nothing about who; log it and go on.
                LogClientError(ex.Message);
            }
        }
    }

    private async Task GreetAsync(Socket socket)
    {
        var greeting = Encoding.UTF8.GetBytes(TcpNetServer.Greeting);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.IntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var (client, lastHeard) in _clients)
                {
                    if (Environment.TickCount64 - lastHeard > options.UdpForgetAfterMs)
                    {
                        _clients.TryRemove(client, out _);
                        LogForgotten();
                        continue;
                    }
                    try
                    {
                        await socket.SendToAsync(greeting, client, _stopping.Token);
                    }
                    catch (SocketException ex)
                    {
                        LogClientError(ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information, Message = "listening on {Port} (UDP)")]
    private partial void LogListening(int port);

    [LoggerMessage(EventId = 2, EventName = "Data", Level = LogLevel.Information, Message = "From client: {Text}")]
    private partial void LogFromClient(string text);

    [LoggerMessage(EventId = 3, EventName = "ClientForgotten", Level = LogLevel.Information, Message = "client forgotten (silent too long).")]
    private partial void LogForgotten();

    [LoggerMessage(EventId = 4, EventName = "ClientError", Level = LogLevel.Warning, Message = "client error: {Error}")]
    private partial void LogClientError(string error);

#pragma warning disable SYSLIB1012 // the post's "err" prefix, as in TcpNetServer
    [LoggerMessage(EventId = 5, EventName = "ServerError", Level = LogLevel.Error, Message = "err: {Error}")]
    private partial void LogServerError(string error);
#pragma warning restore SYSLIB1012
}
