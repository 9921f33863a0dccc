using System.Net;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// Polling POST bodies that do not arrive whole (cut off by Kestrel's minimum data rate, shorter than announced, still
/// arriving when the session ends), on raw TCP. Such a body is never acted on and never answered with success: its
/// client would believe packets delivered that were lost. Every test ends with a canary client that is still served.
/// </summary>
public sealed class PollingBodyTests(SteadyConformanceFixture host) : IClassFixture<SteadyConformanceFixture>
{
    [Fact]
    public async Task A_body_trickled_below_the_minimum_data_rate_is_answered_408_and_none_of_it_is_delivered()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var delivered = new List<string>();
        host.Server.Clients.Single(c => c.Id == sid).Message += (_, message) => { lock (delivered) delivered.Add(message.Text); };

        // 100 bytes announced, 12 sent, then nothing: Kestrel's MinRequestBodyDataRate (240 B/s after a 5 s grace
        // period) cuts the body off. Before the fix this client was answered "200" with an empty body.
        await using var post = await RawPost.StartAsync(host.BaseAddress, sid, 100, "4lost-packet");
        var status = await Wait.For(post.ReadStatusAsync(), "the server to answer the trickled POST", TimeSpan.FromSeconds(30));

        Assert.Equal(408, status);
        Assert.Equal(("transport error", "data request connection closed prematurely"), await host.Probe.ClosedAsync(sid));
        Assert.Empty(delivered);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
        await AssertCanaryServedAsync();
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_answered_400_and_none_of_it_is_delivered()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var delivered = new List<string>();
        host.Server.Clients.Single(c => c.Id == sid).Message += (_, message) => { lock (delivered) delivered.Add(message.Text); };

        // 100 bytes announced; the client sends 12 and ends its side of the connection (it can still read).
        await using var post = await RawPost.StartAsync(host.BaseAddress, sid, 100, "4lost-packet");
        post.EndBody();
        var status = await Wait.For(post.ReadStatusAsync(), "the server to answer the short POST");

        // Kestrel takes the client's FIN for a disconnect, so no answer can reach it; what matters is that none says
        // "200": a body that did not arrive whole is never acted on.
        Assert.True(status is null or 400, $"answered {status}");
        Assert.Equal(("transport error", "data request connection closed prematurely"), await host.Probe.ClosedAsync(sid));
        Assert.Empty(delivered);
        await AssertCanaryServedAsync();
    }

    [Fact]
    public async Task A_body_still_arriving_when_its_session_ends_ends_with_it()
    {
        // The session ends on the server's side (here: the client sends a second POST, an overlap) while the first
        // POST is still trickling in. Node destroys that request at once; before the fix it stayed open, reading,
        // until its client stopped (8 s later in the run).
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var reading = host.Probe.NextPostReading(sid);
        await using var post = await RawPost.StartAsync(host.BaseAddress, sid, 1_000_000, "4" + new string('x', 100));
        await Wait.For(reading, "the server to read the trickled POST");
        using var trickling = new CancellationTokenSource();
        var trickle = TrickleAsync(post, trickling.Token);
        try
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await wire.PostAsync(sid, "4overlap")).StatusCode);
            Assert.Equal(("transport error", "data request overlap from client"), await host.Probe.ClosedAsync(sid));

            // The trickled request ends with its session: well before Kestrel's data rate or the client would end it.
            await Wait.For(post.ClosedByServerAsync(), "the trickled POST to end with its session", TimeSpan.FromSeconds(3));
        }
        finally
        {
            trickling.Cancel();
            await trickle;
        }
        await AssertCanaryServedAsync();
    }

    /// <summary>100 bytes every 100 ms (1 kB/s, well above Kestrel's minimum rate) until cancelled or cut off.</summary>
    internal static async Task TrickleAsync(RawPost post, CancellationToken cancellationToken)
    {
        var chunk = new string('x', 100);
        try
        {
            while (await post.SendAsync(chunk)) await Task.Delay(100, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AssertCanaryServedAsync()
    {
        using var canary = host.Wire();
        var sid = (await canary.HandshakeAsync()).Sid;
        Assert.Equal(HttpStatusCode.OK, (await canary.PostAsync(sid, "4canary")).StatusCode);
        Assert.Equal("4canary", (await canary.PollUntilAsync(sid, p => p.StartsWith('4'))).Last());
    }
}
