using System.Net;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>HTTP long-polling, on the raw wire against the conformance host (with a long heartbeat).</summary>
public sealed class HandshakeAndPollingTests(SteadyConformanceFixture host) : IClassFixture<SteadyConformanceFixture>
{
    [Fact]
    public async Task Session_ids_are_unique()
    {
        using var wire = host.Wire();
        var sids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var handshake = await wire.HandshakeAsync();
            // This fixture lengthens the heartbeat through configuration (EngineIO:PingIntervalMs).
            Assert.Contains("\"pingInterval\":60000,\"pingTimeout\":60000", handshake.Body);
            sids.Add(handshake.Sid);
        }
        Assert.Equal(20, sids.Count);
    }

    [Fact]
    public async Task Polling_echoes_a_text_message_and_the_post_is_answered_ok_as_text_html()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var post = await wire.PostAsync(sid, "4hello é 😀");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());
        Assert.Equal("text/html", post.Content.Headers.ContentType!.ToString());
        Assert.Equal(2, post.Content.Headers.ContentLength);

        var packets = await wire.PollUntilAsync(sid, p => p.StartsWith('4'));
        Assert.Equal("4hello é 😀", packets.Last());
    }

    [Fact]
    public async Task Polling_echoes_binary_as_b_plus_base64_and_keeps_the_order_of_a_payload()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4first\u001ebAQIDBA==\u001e4last")).StatusCode);

        var packets = await wire.PollUntilAsync(sid, p => p == "4last");
        Assert.Equal(["4first", "bAQIDBA==", "4last"], packets);
    }

    [Fact]
    public async Task A_second_concurrent_get_gets_400_the_first_gets_a_close_packet_and_the_session_ends()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var waiting = host.Probe.NextPollWaiting(sid);
        var first = wire.PollAsync(sid);
        await Wait.For(waiting, "the first GET to be held open");
        var second = await wire.PollAsync(sid);

        Assert.Equal((HttpStatusCode.BadRequest, ""), second);
        Assert.Equal((HttpStatusCode.OK, "1"), await Wait.For(first, "the first GET"));
        Assert.Equal(("transport error", "overlap from client"), await host.Probe.ClosedAsync(sid));
        var after = await wire.PollAsync(sid);
        Assert.Equal((HttpStatusCode.BadRequest, "{\"code\":1,\"message\":\"Session ID unknown\"}"), after);
    }

    [Fact]
    public async Task A_second_concurrent_post_gets_400_and_the_session_ends()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        // The first POST sends its headers and part of its body, then waits: the server is reading it.
        var release = new TaskCompletionSource();
        var reading = host.Probe.NextPostReading(sid);
        using var slow = new HttpRequestMessage(HttpMethod.Post, wire.Url($"EIO=4&transport=polling&sid={sid}"))
        {
            Content = new SlowContent("4slow", release.Task),
        };
        var first = wire.Http.SendAsync(slow);
        await Wait.For(reading, "the server to start reading the first POST");

        var second = await wire.PostAsync(sid, "4second");
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(("transport error", "data request overlap from client"), await host.Probe.ClosedAsync(sid));

        // The first POST, still arriving, ended with its session (Node destroys it): once HttpClient has sent the rest
        // of its body (it waits for that before it reports), it sees the connection gone, never an "ok" for packets
        // that were not delivered. PollingBodyTests shows on raw TCP that the connection ends at once.
        release.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => Wait.For(first, "the first POST to end"));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task A_client_may_post_again_as_soon_as_it_has_read_ok()
    {
        // Only a POST the server is still READING is an overlap. One whose "ok" is written is over for the client,
        // even if its request has not quite ended on the server (in Node both happen in one tick): the next POST,
        // on another connection, must be taken. Here the first request is held right after its "ok".
        using var wire = host.Wire();
        using var otherConnection = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var release = new TaskCompletionSource();
        var held = host.Probe.HoldNextPostAfterItsAnswer(sid, release.Task);

        HttpResponseMessage second;
        try
        {
            var first = await wire.PostAsync(sid, "4first");
            Assert.Equal((HttpStatusCode.OK, "ok"), (first.StatusCode, await first.Content.ReadAsStringAsync()));
            await Wait.For(held, "the first POST to be held after its answer");
            second = await otherConnection.PostAsync(sid, "4second");
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.Equal((HttpStatusCode.OK, "ok"), (second.StatusCode, await second.Content.ReadAsStringAsync()));
        var echoes = await wire.PollUntilAsync(sid, p => p == "4second");   // both echoed: the session lives on
        Assert.Equal(["4first", "4second"], echoes.Where(p => p.StartsWith('4')));
    }

    [Fact]
    public async Task A_post_that_comes_while_the_previous_ones_messages_are_handled_waits_its_turn()
    {
        // The first POST's body is read and its message is being handled (a slow handler): that POST sends no more
        // data, so the next one is not an overlap (Node, on one thread, reads it only after the handler anyway). Its
        // messages are handled after the first's, in order.
        using var wire = host.Wire();
        using var otherConnection = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource();
        host.Server.Clients.Single(c => c.Id == sid).Message += (_, message) =>
        {
            if (message.Text != "slow") return;
            handling.TrySetResult();
            release.Task.Wait(Wait.DefaultTimeout);   // a handler that blocks (which a real one should not)
        };

        Task<HttpResponseMessage> first, second;
        try
        {
            first = wire.PostAsync(sid, "4slow");
            await Wait.For(handling.Task, "the first POST's message to be handled");
            var reading = host.Probe.NextPostReading(sid);
            second = otherConnection.PostAsync(sid, "4next");
            if (await Wait.For(Task.WhenAny(reading, second), "the server to take the second POST") == second)
            {
                Assert.Fail($"The second POST was answered {(int)(await second).StatusCode} while the first was handled.");
            }
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.Equal(HttpStatusCode.OK, (await Wait.For(first, "the first POST")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Wait.For(second, "the second POST")).StatusCode);
        var echoes = await wire.PollUntilAsync(sid, p => p == "4next");
        Assert.Equal(["4slow", "4next"], echoes.Where(p => p.StartsWith('4')));
    }

    [Fact]
    public async Task A_client_that_aborts_its_pending_get_ends_the_session()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        using var cancel = new CancellationTokenSource();
        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid, cancel.Token);
        await Wait.For(waiting, "the GET to be held open");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);

        Assert.Equal(("transport error", "poll connection closed prematurely"), await host.Probe.ClosedAsync(sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task A_close_packet_posted_while_a_get_is_pending_answers_the_get_with_a_noop_and_ends_the_session()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open");
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "1")).StatusCode);

        Assert.Equal((HttpStatusCode.OK, "6"), await Wait.For(get, "the pending GET"));
        Assert.Equal(("transport close", null), await host.Probe.ClosedAsync(sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task A_close_packet_posted_with_no_get_pending_keeps_the_session_until_the_next_get_which_gets_a_noop()
    {
        // The protocol suite's "closes the session upon close packet" sends a GET and POST "1" at once; on a fresh
        // server the POST can come first. Node reads that POST's body only after the GET that came with it, so the GET
        // gets "6" and only then is the session over. Before, it closed at once and that GET got 400. (A client that
        // polls no more is closed a second later: LeakAndConcurrencyTests.)
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var closed = host.Probe.ClosedAsync(sid);

        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "1")).StatusCode);
        Assert.False(closed.IsCompleted, "the session closed before the client's next GET");

        Assert.Equal((HttpStatusCode.OK, "6"), await wire.PollAsync(sid));
        Assert.Equal(("transport close", null), await closed);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task An_invalid_payload_is_a_parse_error_that_ends_the_session()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        // Node destroys that POST; we answer it with 400.
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PostAsync(sid, "abc")).StatusCode);

        Assert.Equal("parse error", (await host.Probe.ClosedAsync(sid)).Reason);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task An_empty_post_is_a_parse_error_too()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PostAsync(sid, "")).StatusCode);

        Assert.Equal(("parse error", "empty packet"), await host.Probe.ClosedAsync(sid));
    }

    [Fact]
    public async Task A_ping_from_the_client_is_an_invalid_heartbeat_direction()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PostAsync(sid, "2")).StatusCode);

        Assert.Equal(("transport error", "invalid heartbeat direction"), await host.Probe.ClosedAsync(sid));
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
    }

    [Fact]
    public async Task A_payload_over_maxHttpBufferSize_gets_413_with_an_empty_body_and_the_session_stays_open()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var big = await wire.PostAsync(sid, "4" + new string('x', 1_000_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal("", await big.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4still here")).StatusCode);
        Assert.Equal("4still here", (await wire.PollUntilAsync(sid, p => p.StartsWith('4'))).Last());
    }

    [Fact]
    public async Task A_binary_octet_stream_post_gets_400_and_ends_the_session()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var response = await wire.SendAsync(HttpMethod.Post, $"EIO=4&transport=polling&sid={sid}", "4hi", "application/octet-stream");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("transport error", "invalid content"), await host.Probe.ClosedAsync(sid));
    }

    [Fact]
    public async Task Another_method_with_a_sid_gets_500()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var response = await wire.SendAsync(HttpMethod.Put, $"EIO=4&transport=polling&sid={sid}", "4x");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    /// <summary>Request content that sends its first bytes, then waits for the test before sending the rest.</summary>
    private sealed class SlowContent(string text, Task release) : HttpContent
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, 1));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(_bytes.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
