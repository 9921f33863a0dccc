using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TcpNet.Client;

/// <summary>
/// The same client over UDP (<c>--udp true</c>). <c>Connect</c> on a UDP socket sends nothing: it only sets where
/// datagrams go, so the client cannot know whether a server is there; it just starts sending. Each datagram is
/// read whole, one per read, so even <c>--burst 3</c> prints three separate messages.
/// </summary>
public sealed partial class UdpNetClient(TcpNetClientOptions options, ILogger<UdpNetClient> logger)
{
    /// <summary>
    /// Sends <see cref="TcpNetClient.Greeting"/> every <see cref="TcpNetClientOptions.IntervalMs"/> and logs every
    /// datagram from the server, until <paramref name="stoppingToken"/> or the idle timeout.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, stoppingToken); // no packet: just the default address
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (SocketException ex)
        {
            LogError(ex.Message); // e.g. the host name does not resolve
            return;
        }
        LogSending(options.Host, options.Port);

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sender = SendAsync(socket, ended.Token);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
        var idleTimeout = options.IdleTimeoutMs > 0 ? TimeSpan.FromMilliseconds(options.IdleTimeoutMs) : Timeout.InfiniteTimeSpan;
        idle.CancelAfter(idleTimeout);
        var buffer = new byte[65_527];
        while (true)
        {
            try
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, idle.Token);
                LogFromServer(Encoding.UTF8.GetString(buffer, 0, read)); // one datagram, one whole message
                idle.CancelAfter(idleTimeout);
            }
            catch (OperationCanceledException)
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    LogTimeout(); // the only way to notice a UDP server is gone: it has gone quiet
                }
                break;
            }
            catch (SocketException ex)
            {
                // "Connection refused": an ICMP message said nobody listens on that port (yet). Keep trying.
                LogError(ex.Message);
            }
        }
        await ended.CancelAsync();
        await sender;
    }

    private async Task SendAsync(Socket socket, CancellationToken stoppingToken)
    {
        var greeting = Encoding.UTF8.GetBytes(TcpNetClient.Greeting);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.IntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                for (var i = 0; i < options.Burst; i++)
                {
                    try
                    {
                        await socket.SendAsync(greeting, SocketFlags.None, stoppingToken);
                    }
                    catch (SocketException ex)
                    {
                        LogError(ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 1, EventName = "Sending", Level = LogLevel.Information, Message = "sending to {Host}:{Port} (UDP: no connection to make)")]
    private partial void LogSending(string host, int port);

    [LoggerMessage(EventId = 2, EventName = "Data", Level = LogLevel.Information, Message = "From Server:{Text}")]
    private partial void LogFromServer(string text);

    [LoggerMessage(EventId = 4, EventName = "Timeout", Level = LogLevel.Warning, Message = "connection timeout.")]
    private partial void LogTimeout();

#pragma warning disable SYSLIB1012 // Node's "Error: <message>", as in TcpNetClient
    [LoggerMessage(EventId = 5, EventName = "Error", Level = LogLevel.Error, Message = "Error: {Error}")]
    private partial void LogError(string error);
#pragma warning restore SYSLIB1012
}
