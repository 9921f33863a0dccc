using System.Text.RegularExpressions;
using Realtime.Testing;
using TcpNet.Client;
using TcpNet.Server;
using ClientFraming = TcpNet.Client.Framing;
using ServerFraming = TcpNet.Server.Framing;

namespace TcpNet.Tests;

/// <summary>The post's server.js and client.js talking to each other, then hanging up.</summary>
public sealed partial class ConversationTests
{
    /// <summary>
    /// The conversation of the post, with both sides' console lines. Line framing keeps it deterministic: in raw
    /// mode two greetings can share one read when a side is slow, which the raw test below allows for.
    /// </summary>
    [Fact]
    public async Task Server_and_client_talk_until_the_server_stops()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 5, Framing = ServerFraming.Lines });
        await using var _ = tcp;
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5, Framing = ClientFraming.Lines });

        await tcp.ServerLog.WaitForText("From client: ", count: 3);
        await client.Log.WaitForText("From Server:", count: 3);
        await tcp.Server.StopAsync(); // FIN to the client; it answers by closing its side
        await Wait.For(client.Run, "the client to see the end of the connection");

        var transcript = new Transcript();
        transcript.Section("legend: why this conversation is framed");
        transcript.Add("The post's server.js and client.js write raw, unframed chunks (socket.write(\"Hi, I am server\")).");
        transcript.Add("TCP keeps the bytes and their order, not the boundaries: a read may hold two greetings or half of");
        transcript.Add("one (ByteStreamTests.Writes_sent_back_to_back_arrive_in_one_read shows it), so a raw transcript");
        transcript.Add("would change from run to run. Both sides here run with Framing = Lines: each write ends with \"\\n\"");
        transcript.Add("and each line read is one message. The raw mode is tested below on its bytes, not its lines.");
        transcript.Section("server console (the first 3 messages; the timers tick until the stop)");
        FirstMessages(tcp.ServerLog, "From client: ", 3).ToList().ForEach(transcript.Add);
        transcript.Section("client console (the first 3 messages)");
        FirstMessages(client.Log, "From Server:", 3).ToList().ForEach(transcript.Add);
        Snapshot.Match(transcript.ToString(), Scrubber.Default().AddPattern(ListeningPort(), "port"));
    }

    /// <summary>
    /// The post's default, raw chunks: every byte arrives, in order, but a read may hold one greeting, several, or
    /// a piece of one. So the test checks the bytes, not the lines.
    /// </summary>
    [Fact]
    public async Task Raw_mode_delivers_every_byte_in_order_but_not_the_boundaries()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 5 });
        await using var _ = tcp;
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 2, Burst = 3 });

        await tcp.ServerLog.WaitForText("From client: ", count: 5);
        await client.Log.WaitForText("From Server:", count: 3);
        await client.StopAsync(); // the server reads everything until the client's FIN
        await tcp.ServerLog.WaitForText("client disconnected.");

        var received = string.Concat(Payloads(tcp.ServerLog, "From client: "));
        var copies = received.Length / TcpNetClient.Greeting.Length;
        Assert.True(copies >= 5, $"expected at least 5 greetings, got: {received}");
        Assert.Equal(string.Concat(Enumerable.Repeat(TcpNetClient.Greeting, copies)), received);

        var fromServer = string.Concat(Payloads(client.Log, "From Server:"));
        Assert.Equal(
            string.Concat(Enumerable.Repeat(TcpNetServer.Greeting, fromServer.Length / TcpNetServer.Greeting.Length)),
            fromServer);
        Assert.Equal("disconnected.", client.Log.Lines[^1]);
    }

    [Fact]
    public async Task Stopping_the_client_ends_the_connection_politely_on_both_sides()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 5 });
        await using var _ = tcp;
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5 });
        await client.Log.WaitForText("From Server:");
        await tcp.ServerLog.WaitForText("From client: ");

        await client.StopAsync(); // Ctrl+C: FIN to the server, which closes its side too

        await tcp.ServerLog.WaitForText("client disconnected.");
        Assert.Equal("disconnected.", client.Log.Lines[^1]);
        Assert.DoesNotContain(tcp.ServerLog.Lines.Concat(client.Log.Lines), l => l.StartsWith("error:") || l.StartsWith("warn:"));
    }

    [Fact]
    public async Task Stopping_the_server_ends_every_client_with_disconnected()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 5 });
        await using var _ = tcp;
        var first = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5 });
        var second = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5 });
        await first.Log.WaitForText("From Server:");
        await second.Log.WaitForText("From Server:");

        await tcp.Server.StopAsync();

        await Wait.For(Task.WhenAll(first.Run, second.Run), "both clients to end");
        Assert.Equal("disconnected.", first.Log.Lines[^1]);
        Assert.Equal("disconnected.", second.Log.Lines[^1]);
        Assert.Equal(2, tcp.ServerLog.Count(l => l == "client disconnected."));
        Assert.Equal(0, tcp.Server.ActiveTimers);
        Assert.DoesNotContain(tcp.ServerLog.Lines.Concat(first.Log.Lines).Concat(second.Log.Lines),
            l => l.StartsWith("error:") || l.StartsWith("warn:"));
    }

    /// <summary>All lines in order, except that only the first <paramref name="count"/> messages are kept.</summary>
    private static IEnumerable<string> FirstMessages(Transcript log, string prefix, int count)
    {
        var seen = 0;
        foreach (var line in log.Lines)
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || ++seen <= count)
            {
                yield return line;
            }
        }
    }

    private static IEnumerable<string> Payloads(Transcript log, string prefix) =>
        log.Lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]);

    [GeneratedRegex(@"listening on (?<value>\d+)")]
    internal static partial Regex ListeningPort();
}
