using Microsoft.Extensions.Logging;
using Realtime.Testing;
using TcpNet.Client;
using TcpNet.Server;

namespace TcpNet.Tests;

/// <summary>The UDP counterpart (post 004): message boundaries for free, but no connection.</summary>
public sealed class UdpTests
{
    [Fact]
    public async Task Datagrams_keep_their_boundaries_and_nobody_hears_a_client_leave()
    {
        var serverLog = new Transcript();
        var clientLog = new Transcript();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new TranscriptLoggerProvider(serverLog, prefix: "")));
        using var clientLoggers = LoggerFactory.Create(b => b.AddProvider(new TranscriptLoggerProvider(clientLog, prefix: "")));
        // The server forgets a client after a silence measured when it *reads* datagrams: a receive loop kept off the
        // CPU for longer than that (200 ms was seen once here, with the other tests running) forgets the client while
        // its datagrams still wait in the socket buffer, then hears it again. One second keeps the silence real.
        await using var server = new UdpNetServer(
            new TcpNetServerOptions { Udp = true, Address = "127.0.0.1", Port = 0, IntervalMs = 5, UdpForgetAfterMs = 1000 },
            loggers.CreateLogger<UdpNetServer>());
        server.Start();

        using var stop = new CancellationTokenSource();
        var client = new UdpNetClient(
            new TcpNetClientOptions { Udp = true, Host = "127.0.0.1", Port = server.Port, IntervalMs = 5, Burst = 3 },
            clientLoggers.CreateLogger<UdpNetClient>());
        var run = client.RunAsync(stop.Token);

        await serverLog.WaitForText("From client: ", count: 9);
        await clientLog.WaitForText("From Server:", count: 3);
        Assert.Equal(1, server.KnownClients);
        await stop.CancelAsync();
        await Wait.For(run, "the UDP client to stop");

        // The server finds out only by the silence that follows.
        await serverLog.WaitForText("client forgotten (silent too long).");
        Assert.Equal(0, server.KnownClients);

        // Every read was exactly one datagram: three writes per tick, never merged, never split.
        Assert.All(serverLog.Lines.Where(l => l.StartsWith("From client: ", StringComparison.Ordinal)),
            l => Assert.Equal("From client: " + TcpNetClient.Greeting, l));
        Assert.All(clientLog.Lines.Where(l => l.StartsWith("From Server:", StringComparison.Ordinal)),
            l => Assert.Equal("From Server:" + TcpNetServer.Greeting, l));
        Assert.DoesNotContain("client disconnected.", serverLog.Lines); // there was no connection to close
        Assert.Equal($"sending to 127.0.0.1:{server.Port} (UDP: no connection to make)", clientLog.Lines[0]);
    }
}
