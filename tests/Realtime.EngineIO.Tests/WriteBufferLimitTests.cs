using System.Net;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// <see cref="EngineIOServerOptions.MaxBufferedBytes"/>: what may wait for a client that does not read (or poll) is
/// bounded; past it that session closes with "transport error" ("write buffer full") and everyone else is served.
/// </summary>
public sealed class WriteBufferLimitTests
{
    [Fact]
    public async Task A_websocket_client_that_does_not_read_is_closed_when_a_mebibyte_waits_for_it()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 1024 * 1024);
        using var wire = host.Wire();
        using var slow = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, slow);

        // Up to 12 GiB (one shared message) to a client that reads nothing: whatever the socket buffers of the
        // machine take, writes soon wait and the queue passes 1 MiB.
        var chunk = EngineMessage.FromText(new string('x', 128 * 1024));
        for (var i = 0; i < 100_000 && socket.ReadyState == EngineSocketState.Open; i++) socket.Send(chunk);

        Assert.Equal(("transport error", "write buffer full"), await host.Probe.ClosedAsync(socket.Id));
        await host.Log.WaitForText("more than 1048576 bytes wait for a client that does not read them");
        Assert.DoesNotContain(host.Server.Clients, c => c.Id == socket.Id);

        using var other = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(other);
        await wire.SendTextAsync(other, "4still serving");
        Assert.Equal("4still serving", (await wire.ReceiveSkippingPingsAsync(other)).Text);
    }

    [Fact]
    public async Task One_message_larger_than_the_limit_still_goes_to_a_client_that_reads()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 1024 * 1024);
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, ws);

        // The limit counts what waits behind a write under way, not the write itself.
        var big = new string('y', 3 * 1024 * 1024);
        socket.Send(big);

        Assert.Equal("4" + big, (await wire.ReceiveSkippingPingsAsync(ws)).Text);
        Assert.Equal(EngineSocketState.Open, socket.ReadyState);
    }

    [Fact]
    public async Task The_limit_counts_the_bytes_a_text_message_holds_not_its_characters()
    {
        // A queued text message holds its string (2 bytes per character) and its UTF-8 frame (1 to 3 per character).
        // Counting characters, a 16 MiB cap let a slow reader pile up about 48 MB (RSS +144–162 MB in the issue's
        // flood, against +20 MB into an empty room).
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 100_000);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var socket = host.Server.Clients.Single(c => c.Id == sid);

        socket.Send("first"); // the next GET's answer: not counted
        socket.Send(new string('é', 20_000)); // 20 000 characters, 40 000 bytes of string + 40 001 of UTF-8: 80 001
        Assert.Equal(EngineSocketState.Open, socket.ReadyState);
        socket.Send(new string('x', 10_000)); // + 30 001 = 110 002 bytes held (30 002 characters): over the limit

        Assert.Equal(("transport error", "write buffer full"), await host.Probe.ClosedAsync(sid));

        // Others are served.
        using var other = host.Wire();
        var otherSid = (await other.HandshakeAsync()).Sid;
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync(otherSid, "4still serving")).StatusCode);
        Assert.Equal("4still serving", (await other.PollUntilAsync(otherSid, p => p.StartsWith('4'))).Last());
    }

    [Fact]
    public async Task A_polling_client_that_stops_polling_is_closed_when_more_than_the_limit_waits_for_its_next_get()
    {
        await using var host = await EchoHost.StartAsync(o => o.MaxBufferedBytes = 100_000);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var socket = host.Server.Clients.Single(c => c.Id == sid);

        // Was Closed raised by the very Send that hit the limit (this thread, inside the call)?
        var sending = false;
        var sendingThread = Environment.CurrentManagedThreadId;
        var closedInsideSend = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Closed += (_, _, _) =>
            closedInsideSend.TrySetResult(Volatile.Read(ref sending) && Environment.CurrentManagedThreadId == sendingThread);

        socket.Send(new string('a', 150_000)); // the next GET's answer: not counted
        socket.Send(new string('b', 20_000)); // 20 000 characters wait behind it: 60 001 bytes held, under the limit
        Assert.Equal(EngineSocketState.Open, socket.ReadyState);
        Volatile.Write(ref sending, true);
        socket.Send(new string('c', 20_000)); // 120 002 bytes: over it
        Volatile.Write(ref sending, false);

        Assert.Equal(("transport error", "write buffer full"), await host.Probe.ClosedAsync(sid));
        // Raised later from the thread pool, never inside the Send that hit the limit.
        Assert.False(await Wait.For(closedInsideSend.Task, "the Closed event"));
        var (status, body) = await wire.PollAsync(sid);
        Assert.Equal((HttpStatusCode.BadRequest, """{"code":1,"message":"Session ID unknown"}"""), (status, body));
    }
}
