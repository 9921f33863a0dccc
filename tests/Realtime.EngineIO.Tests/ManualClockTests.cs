using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The timers to the millisecond, with a manual clock (the server takes its <see cref="TimeProvider"/> from DI):
/// heartbeat 1000/500 ms (unless a test says otherwise), upgrade timeout 2000 ms. Nothing here waits for real time to pass.
/// </summary>
public sealed class ManualClockTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private static Task<EchoHost> StartAsync(TimeProvider clock, int pingInterval = 1000, int pingTimeout = 500) => EchoHost.StartAsync(o =>
    {
        o.PingInterval = TimeSpan.FromMilliseconds(pingInterval);
        o.PingTimeout = TimeSpan.FromMilliseconds(pingTimeout);
        o.UpgradeTimeout = TimeSpan.FromMilliseconds(2000);
    }, clock);

    [Fact]
    public async Task The_ping_goes_out_at_pingInterval_and_the_session_closes_exactly_pingTimeout_later()
    {
        var clock = new FakeTimeProvider();
        var timers = new CountingTimeProvider(clock);
        await using var host = await StartAsync(timers);
        var idle = timers.ActiveTimers;
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        Assert.True(timers.ActiveTimers > idle); // the session's ping timer

        // Just before pingInterval nothing is sent: the GET stays open.
        clock.Advance(999 * Ms);
        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open (no ping yet)");
        clock.Advance(Ms);
        Assert.Equal((HttpStatusCode.OK, "2"), await Wait.For(get, "the ping"));

        var closed = host.Probe.ClosedAsync(sid);
        clock.Advance(499 * Ms);
        Assert.False(closed.IsCompleted);
        Assert.Equal(1, host.Server.ClientsCount);
        clock.Advance(Ms);
        Assert.Equal(("ping timeout", null), await closed);
        Assert.Equal(0, host.Server.ClientsCount);
        Assert.Equal(idle, timers.ActiveTimers); // the session's timers are all disposed
    }

    [Fact]
    public async Task A_ping_timer_that_fires_late_does_not_extend_the_deadline_pingInterval_plus_pingTimeout()
    {
        // On a freshly started server the first ping timer can fire a few ms late; the timeout used to count from
        // then, so a GET at exactly pingInterval + pingTimeout was still served (Node's session is over by then).
        var clock = new LateTimeProvider();
        var timers = new CountingTimeProvider(clock);
        await using var host = await EchoHost.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(1000);
            o.PingTimeout = TimeSpan.FromMilliseconds(500);
        }, timers);
        var idle = timers.ActiveTimers;
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var closed = host.Probe.ClosedAsync(sid);

        clock.Advance(1005 * Ms); // the ping timer fires 5 ms late
        Assert.Equal(1, host.Server.ClientsCount);
        // Exactly pingInterval + pingTimeout after the handshake; the timeout timer has not run yet (it may be late
        // too): the GET that comes now must find the session over, not be served.
        clock.AdvanceWithoutFiring(495 * Ms);
        Assert.Equal(HttpStatusCode.BadRequest, (await wire.PollAsync(sid)).Status);
        Assert.Equal(("ping timeout", null), await closed);
        Assert.Equal(idle, timers.ActiveTimers);
    }

    [Fact]
    public async Task A_pong_cancels_the_timeout_and_the_next_ping_comes_pingInterval_after_it()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        clock.Advance(1000 * Ms);
        Assert.Equal((HttpStatusCode.OK, "2"), await wire.PollAsync(sid));

        for (var round = 0; round < 3; round++)
        {
            clock.Advance(300 * Ms);
            Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "3")).StatusCode);
            // Without the pong the session would have closed 200 ms from now; with it, the next ping is 1000 ms away.
            clock.Advance(999 * Ms);
            Assert.Equal(1, host.Server.ClientsCount);
            var waiting = host.Probe.NextPollWaiting(sid);
            var get = wire.PollAsync(sid);
            await Wait.For(waiting, "the GET to be held open (no ping yet)");
            clock.Advance(Ms);
            Assert.Equal((HttpStatusCode.OK, "2"), await Wait.For(get, "the next ping"));
        }

        var closed = host.Probe.ClosedAsync(sid);
        clock.Advance(500 * Ms);
        Assert.Equal(("ping timeout", null), await closed);
    }

    [Fact]
    public async Task Unsolicited_pongs_do_not_put_off_the_next_ping()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        // A client that pongs without being pinged (to dodge the heartbeat) changes nothing: the ping still comes
        // pingInterval after the handshake.
        clock.Advance(600 * Ms);
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "3")).StatusCode);
        clock.Advance(399 * Ms);
        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open (no ping yet)");
        clock.Advance(Ms);
        Assert.Equal((HttpStatusCode.OK, "2"), await Wait.For(get, "the ping at pingInterval"));
    }

    [Fact]
    public async Task Any_packet_while_waiting_for_the_pong_extends_the_timeout_once()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        clock.Advance(1000 * Ms);                 // ping
        clock.Advance(400 * Ms);
        await wire.PostAsync(sid, "4late but alive"); // the timeout restarts: 500 ms from now
        var closed = host.Probe.ClosedAsync(sid);
        clock.Advance(499 * Ms);
        Assert.False(closed.IsCompleted);
        await wire.PostAsync(sid, "4again");       // only once per ping: no second extension
        clock.Advance(Ms);
        Assert.Equal(("ping timeout", null), await closed);
    }

    [Fact]
    public async Task During_an_upgrade_a_noop_releases_the_pending_get_every_100_ms_and_the_probe_times_out()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock, pingInterval: 60_000, pingTimeout: 60_000);
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);

        for (var i = 0; i < 2; i++)
        {
            var waiting = host.Probe.NextPollWaiting(sid);
            var get = wire.PollAsync(sid);
            await Wait.For(waiting, "the GET to be held open");
            clock.Advance(99 * Ms);
            Assert.False(get.IsCompleted);
            clock.Advance(Ms);
            Assert.Equal((HttpStatusCode.OK, "6"), await Wait.For(get, "the noop"));
        }

        // No "5" within upgradeTimeout: the WebSocket is closed, the session goes on over polling.
        clock.Advance(2000 * Ms);
        await EngineIOWire.WaitForCloseAsync(ws);
        Assert.Equal("polling", host.Server.Clients.Single().Transport);
    }
}
