using System.Net;
using System.Net.Sockets;
using System.Text;
using Realtime.Testing;
using TcpNet.Client;
using TcpNet.Server;
using ClientFraming = TcpNet.Client.Framing;
using ServerFraming = TcpNet.Server.Framing;

namespace TcpNet.Tests;

/// <summary>
/// TCP is a byte stream: the receiver sees bytes, not the sender's writes. These tests write with a plain
/// <see cref="TcpClient"/> so we control exactly which bytes leave when, and read the real server's log.
/// </summary>
public sealed class ByteStreamTests
{
    /// <summary>
    /// Three writes, one read. The client writes "A", "B", "C" and then flushes once, so the three writes leave in
    /// one TCP segment (the sender's buffering: here a BufferedStream; in the kernel, Nagle's algorithm does the
    /// same). The server cannot tell there were three: it logs one chunk. A slow reader merges writes the same way
    /// (try the client's <c>--burst 3</c>), just not at a moment a test can pin down.
    /// </summary>
    [Fact]
    public async Task Writes_sent_back_to_back_arrive_in_one_read()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 60_000 }); // raw, as in the post
        await using var _ = tcp;
        var transcript = new Transcript();
        transcript.Section("the client writes three times, then flushes once");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, tcp.Server.Port);
            var stream = new BufferedStream(client.GetStream());
            foreach (var message in new[] { "A", "B", "C" })
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(message));
                transcript.Add($"write \"{message}\"");
            }
            await stream.FlushAsync();
            await tcp.ServerLog.WaitForText("From client: ");
        }
        await tcp.ServerLog.WaitForText("client disconnected.");

        transcript.Section("server console (raw framing: one line per read)");
        tcp.ServerLog.Lines.ToList().ForEach(transcript.Add);
        Snapshot.Match(transcript.ToString(), Scrubber.Default().AddPattern(ConversationTests.ListeningPort(), "port"));
    }

    /// <summary>
    /// The fix: newline-delimited messages. Whether several messages share a segment or one message comes in
    /// pieces, the server logs every message whole, exactly once.
    /// </summary>
    [Fact]
    public async Task Line_framing_logs_every_message_whole_exactly_once()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 60_000, Framing = ServerFraming.Lines });
        await using var _ = tcp;
        var transcript = new Transcript();
        transcript.Section("the client sends (\\n ends a message; each send is one flush)");

        using (var client = new TcpClient { NoDelay = true })
        {
            await client.ConnectAsync(IPAddress.Loopback, tcp.Server.Port);
            var stream = client.GetStream();
            // Three messages in one send, then one message in three sends.
            string[] sends = ["A\nB\nC\n", "Hel", "lo, wor", "ld\n"];
            foreach (var send in sends)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(send));
                transcript.Add("send \"" + send.Replace("\n", "\\n") + "\"");
            }
            await tcp.ServerLog.WaitForText("From client: ", count: 4);
        }
        await tcp.ServerLog.WaitForText("client disconnected.");

        transcript.Section("server console (line framing: one line per message)");
        tcp.ServerLog.Lines.ToList().ForEach(transcript.Add);
        Snapshot.Match(transcript.ToString(), Scrubber.Default().AddPattern(ConversationTests.ListeningPort(), "port"));
    }

    /// <summary>The client frames the same way: each server greeting once, even when the client burst-writes.</summary>
    [Fact]
    public async Task Line_framing_on_both_sides_keeps_every_greeting_whole()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions { IntervalMs = 2, Framing = ServerFraming.Lines });
        await using var _ = tcp;
        var client = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 2, Burst = 3, Framing = ClientFraming.Lines });

        await tcp.ServerLog.WaitForText("From client: ", count: 9);
        await client.Log.WaitForText("From Server:", count: 5);
        await client.StopAsync();
        await tcp.ServerLog.WaitForText("client disconnected.");

        var fromClient = tcp.ServerLog.Lines.Where(l => l.StartsWith("From client: ", StringComparison.Ordinal)).ToList();
        Assert.All(fromClient, l => Assert.Equal("From client: " + TcpNetClient.Greeting, l));
        Assert.Equal(0, fromClient.Count % 3); // every burst of three arrived as three messages
        Assert.All(client.Log.Lines.Where(l => l.StartsWith("From Server:", StringComparison.Ordinal)),
            l => Assert.Equal("From Server:" + TcpNetServer.Greeting, l));
    }

    /// <summary>Bad input: a "line" that never ends would make a line reader buffer forever. The server refuses it.</summary>
    [Fact]
    public async Task A_line_too_long_closes_that_connection_and_the_server_keeps_serving()
    {
        var tcp = TcpNetHarness.StartServer(new TcpNetServerOptions
        {
            IntervalMs = 5, Framing = ServerFraming.Lines, MaxLineBytes = 16,
        });
        await using var _ = tcp;

        using (var bad = new TcpClient())
        {
            await bad.ConnectAsync(IPAddress.Loopback, tcp.Server.Port);
            await bad.GetStream().WriteAsync(Encoding.UTF8.GetBytes(new string('x', 100)));
            await tcp.ServerLog.WaitForText("client disconnected.");
            // The server closed the connection: the bad client reads the end of the stream (or a reset).
            await Wait.For(ReadToEndAsync(bad.GetStream()), "the server to close the bad connection");
        }
        Assert.Contains("warn: client error: line longer than 16 bytes without a newline", tcp.ServerLog.Lines);

        var good = tcp.StartClient(new TcpNetClientOptions { IntervalMs = 5, Framing = ClientFraming.Lines });
        await good.Log.WaitForText("From Server:");
        await tcp.ServerLog.WaitForText("From client: " + TcpNetClient.Greeting);
    }

    private static async Task ReadToEndAsync(Stream stream)
    {
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // closed with a reset: also closed
        }
    }
}
