using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Realtime.Testing;
using TcpNet.Client;
using TcpNet.Server;

namespace TcpNet.Tests;

/// <summary>What the original server.js / client.js got wrong, and the behaviour that replaces it.</summary>
public sealed class FixesTests
{
    /// <summary>
    /// A client killed without goodbye (a reset instead of a FIN): in Node, the socket's unhandled "error" event
    /// (ECONNRESET, EPIPE) crashes the whole server. Here it is one logged line, and the others carry on.
    /// </summary>
    [Fact]
    public async Task An_abruptly_killed_client_is_logged_and_the_server_keeps_serving_others()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 2 });
        await using var _ = tcp;
        var other = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5 });
        await other.Log.WaitForText("From Server:");

        using (var victim = new TcpClient())
        {
            await victim.ConnectAsync(IPAddress.Loopback, tcp.Server.Port);
            await victim.GetStream().WriteAsync(Encoding.UTF8.GetBytes("about to die"));
            await tcp.ServerLog.WaitForText("From client: about to die");
            Assert.True(await victim.GetStream().ReadAsync(new byte[64]) > 0); // the server is writing to it
            victim.Client.LingerState = new LingerOption(enable: true, seconds: 0); // close = RST, like a killed process
        }

        await tcp.ServerLog.WaitForText("client disconnected.");
        var greetingsBefore = other.Log.Count(l => l.StartsWith("From Server:", StringComparison.Ordinal));
        await other.Log.WaitForText("From Server:", count: greetingsBefore + 2);
        var fromOther = tcp.ServerLog.Count(l => l == "From client: " + TcpNetClient.Greeting);
        await tcp.ServerLog.WaitForText("From client: " + TcpNetClient.Greeting, count: fromOther + 2);

        Assert.Equal(1, tcp.ServerLog.Count(l => l == "client disconnected."));
        Assert.All(tcp.ServerLog.Lines.Where(l => l.StartsWith("warn:") || l.StartsWith("error:")),
            l => Assert.StartsWith("warn: client error: ", l)); // e.g. "Connection reset by peer"; never a server error
        Assert.Equal(1, tcp.Server.ActiveTimers); // the other client's
    }

    /// <summary>The original's setInterval kept writing to a closed socket forever; here the timer stops with its connection.</summary>
    [Fact]
    public async Task The_greeting_timer_stops_when_its_client_disconnects()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 2 });
        await using var _ = tcp;
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 2 });
        await client.Log.WaitForText("From Server:", count: 2);
        Assert.Equal(1, tcp.Server.ActiveTimers);

        await client.StopAsync();
        await tcp.ServerLog.WaitForText("client disconnected."); // logged only after the timer has stopped

        Assert.Equal(0, tcp.Server.ActiveTimers);
    }

    /// <summary>The original's "timeout" handler never fired: no timeout was ever set. Here a silent server times out.</summary>
    [Fact]
    public async Task The_client_times_out_when_the_server_says_nothing()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 60_000 }); // silent for a minute
        await using var _ = tcp;
        var clock = new FakeTimeProvider(); // the client's clock: it moves only when the test says so
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5, IdleTimeoutMs = 100 }, clock);
        await client.Log.WaitForText("connected to server!"); // the idle countdown has started

        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(client.Run.IsCompleted, "timed out before IdleTimeoutMs");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.For(client.Run, "the client to give up");

        Assert.Equal(["connected to server!", "warn: connection timeout."], client.Log.Lines);
        await tcp.ServerLog.WaitForText("client disconnected.");
    }

    [Fact]
    public async Task The_idle_timeout_restarts_with_every_message_from_the_server()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 5 });
        await using var _ = tcp;
        var clock = new FakeTimeProvider(); // the client's clock; the server greets every 5 ms of real time
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5, IdleTimeoutMs = 1_000 }, clock);
        await client.Log.WaitForText("connected to server!");

        // Twice: 999 ms pass on the client's clock, then a greeting arrives and starts the countdown again. Without the
        // restart the 1000 ms from the connection would be over by the second round.
        for (var round = 0; round < 2; round++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(999));
            var greetings = client.Log.Count(l => l.Contains("From Server:", StringComparison.Ordinal));
            await client.Log.WaitForText("From Server:", count: greetings + 1); // one that came after the 999 ms
        }
        Assert.False(client.Run.IsCompleted, "timed out although greetings kept coming");
        await client.StopAsync();

        Assert.DoesNotContain("warn: connection timeout.", client.Log.Lines);
    }

    [Fact]
    public async Task A_port_in_use_is_logged_as_err_and_start_fails()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions());
        await using var _ = tcp;
        var log = new Transcript();
        await using var second = new TcpNetServer(
            new TcpNetServerOptions { Address = "127.0.0.1", Port = tcp.Server.Port },
            tcp.LoggerFor(log).CreateLogger<TcpNetServer>());

        Assert.Throws<SocketException>(second.Start);

        var line = Assert.Single(log.Lines);
        Assert.StartsWith("error: err: ", line); // "err: Address already in use" (the OS words it)
    }

    [Fact]
    public async Task A_client_with_no_server_logs_the_error_and_ends()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        } // closed: nothing listens on that port now
        var log = new Transcript();
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions());
        await using var _ = tcp;
        var client = new TcpNetClient(new TcpNetClientOptions { Host = "127.0.0.1", Port = port },
            tcp.LoggerFor(log).CreateLogger<TcpNetClient>());

        await Wait.For(client.RunAsync(CancellationToken.None), "the client to give up");

        var line = Assert.Single(log.Lines);
        Assert.StartsWith("error: Error: ", line); // "Error: Connection refused"
    }
}
