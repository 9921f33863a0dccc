namespace Realtime.EngineIO.Tests;

/// <summary>
/// While a session polls, its id is all a request needs to read and send as that client: a bearer secret. The log at
/// Information and above must not carry it; a line that has to name the session uses <see cref="EngineIOSocket.LogId"/>.
/// </summary>
public sealed class SessionIdLogTests
{
    [Fact]
    public async Task A_session_that_opens_fails_a_handler_upgrades_and_closes_never_logs_its_id_above_Debug()
    {
        await using var host = await EchoHost.StartAsync();
        host.Server.Connection += socket => socket.Message += (_, message) =>
        {
            if (message.Text == "boom") throw new InvalidOperationException("a handler bug");
        };
        using var wire = host.Wire();

        var sid = (await wire.HandshakeAsync()).Sid;
        var session = $"EIO=4&transport=polling&sid={sid}";
        await wire.SendAsync(HttpMethod.Post, session, "4boom");
        await host.Log.WaitForText("the Message handler threw");
        Assert.Equal("4boom", (await wire.PollAsync(sid)).Body); // the echo handler still ran

        // upgrade, then close from the client
        var waiting = host.Probe.NextPollWaiting(sid);
        var pending = wire.SendAsync(HttpMethod.Get, session);
        await Wait.For(waiting, "the GET to be held open");
        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);
        await Wait.For(pending, "the pending GET");
        await wire.SendTextAsync(ws, "5");
        await host.Probe.UpgradedAsync(sid);
        var closed = host.Probe.ClosedAsync(sid);
        await Wait.For(ws.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None), "the close handshake");
        await closed;

        // The failing handler is logged (an Error: a fault on the server's side) and names the session by its prefix.
        var logId = sid[..6] + "…";
        Assert.Contains($"[log] error: Engine.IO session {logId}: the Message handler threw", host.Log.Lines);
        Assert.DoesNotContain(host.Log.Lines, line => line.Contains(sid, StringComparison.Ordinal));
    }
}
