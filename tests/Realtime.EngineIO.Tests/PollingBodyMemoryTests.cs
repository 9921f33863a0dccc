using System.Net;
using Xunit.Abstractions;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// A POST's body buffer grows with the bytes that arrive, not with the <c>Content-Length</c> its client announces.
/// Before, each POST rented a buffer of the announced size before any byte arrived: clients announcing 1 MB and
/// trickling it held 1 MB each, and under a container's memory limit the server ran out (OutOfMemoryException in
/// ReadBodyAsync; a legitimate client's large message answered 500). The conformance host runs as a child process
/// under a GC heap hard limit, as in a container, so only it is squeezed.
/// </summary>
public sealed class PollingBodyMemoryTests(ITestOutputHelper output)
{
    /// <summary>48 MiB of GC heap: the host needs well under half of it, the flood below would take 80 MiB before the fix.</summary>
    private const string HeapHardLimit = "0x3000000";

    /// <summary>POSTs that announce 1 MB each and trickle it.</summary>
    private const int Flood = 80;

    [Fact]
    public async Task Trickled_posts_that_announce_a_megabyte_hold_only_what_arrived_and_a_large_message_is_still_served()
    {
        if (!OperatingSystem.IsLinux()) return; // the child's memory is read from /proc

        await using var child = await ConformanceHostProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["DOTNET_GCHeapHardLimit"] = HeapHardLimit,
        });
        var baseAddress = new Uri($"http://127.0.0.1:{child.Port}");
        using var wire = new EngineIOWire(baseAddress);
        var large = "4" + new string('x', 500_000);

        // A legitimate client, warm: its 500 KB message goes there and back.
        var sid = (await wire.HandshakeAsync()).Sid;
        await AssertEchoedAsync(wire, sid, large);
        var rssBefore = child.ResidentKilobytes();

        // The flood: each POST announces 1 000 000 bytes (the maxHttpBufferSize) and trickles 1 kB/s.
        var posts = new List<RawPost>();
        using var trickling = new CancellationTokenSource();
        var trickles = new List<Task>();
        try
        {
            for (var i = 0; i < Flood; i++)
            {
                var floodSid = (await wire.HandshakeAsync()).Sid;
                var post = await RawPost.StartAsync(baseAddress, floodSid, 1_000_000, "4" + new string('x', 100));
                posts.Add(post);
                trickles.Add(PollingBodyTests.TrickleAsync(post, trickling.Token));
            }

            // While they trickle, the legitimate client's large messages are served, three times over.
            for (var i = 0; i < 3; i++) await AssertEchoedAsync(wire, sid, large);
            var rssAfter = child.ResidentKilobytes();
            output.WriteLine($"{Flood} trickling POSTs of 1 MB announced: RSS {rssBefore} kB before, {rssAfter} kB after " +
                             $"({(rssAfter - rssBefore) / 1024} MB more) under DOTNET_GCHeapHardLimit={HeapHardLimit}");

            Assert.DoesNotContain(child.Log.Lines, l => l.Contains("OutOfMemory", StringComparison.Ordinal));
            Assert.True(rssAfter - rssBefore < 32 * 1024, $"the flood took {(rssAfter - rssBefore) / 1024} MB of resident memory");
            // The flood's requests are still being read (none was cut off): they hold their bytes, no more.
            Assert.All(trickles, t => Assert.False(t.IsCompleted));
        }
        finally
        {
            trickling.Cancel();
            await Task.WhenAll(trickles);
            foreach (var post in posts) await post.DisposeAsync();
        }
    }

    private static async Task AssertEchoedAsync(EngineIOWire wire, string sid, string message)
    {
        var post = await wire.PostAsync(sid, message);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var echoed = await wire.PollUntilAsync(sid, p => p.StartsWith('4'));
        Assert.Equal(message.Length, echoed.Last().Length);
    }
}
