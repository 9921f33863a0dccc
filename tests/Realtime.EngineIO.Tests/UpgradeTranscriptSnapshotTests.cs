using System.Net.WebSockets;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// Documentation: one polling session that upgrades to WebSocket, request by request and frame by frame, as the
/// snapshot UpgradeTranscriptSnapshotTests.A_polling_session_upgrades_to_websocket.verified.txt shows it.
/// Default intervals (25 s ping), so no heartbeat interleaves; every line is written after the step it records.
/// </summary>
public sealed class UpgradeTranscriptSnapshotTests
{
    [Fact]
    public async Task A_polling_session_upgrades_to_websocket()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        var log = new List<string>();
        var scrubber = Scrubber.Default();

        async Task<string> Request(HttpMethod method, string query, string? body = null)
        {
            var response = await wire.SendAsync(method, query, body);
            var text = await response.Content.ReadAsStringAsync();
            var shown = body is null ? "" : " " + EngineIOWire.Show(body);
            log.Add($"{method,-4} /engine.io/?{query}{shown}");
            log.Add($"  → {(int)response.StatusCode} [{response.Content.Headers.ContentType}] {EngineIOWire.Show(text)}");
            return text;
        }

        log.Add("## Handshake over polling: the open packet with the session's settings");
        var open = await Request(HttpMethod.Get, "EIO=4&transport=polling");
        var sid = WebSocketAndUpgradeTests.SidOf(open);
        scrubber.Id(sid, "sid");
        var session = $"EIO=4&transport=polling&sid={sid}";

        log.Add("");
        log.Add("## Messages over polling: POST carries the client's packets, GET returns the server's");
        await Request(HttpMethod.Post, session, "4hello\u001ebAQIDBA==");
        await Request(HttpMethod.Get, session);

        log.Add("");
        log.Add("## Upgrade: probe the WebSocket while a GET is pending");
        var waiting = host.Probe.NextPollWaiting(sid);
        var pending = wire.SendAsync(HttpMethod.Get, session);
        await Wait.For(waiting, "the GET to be held open");
        log.Add($"GET  /engine.io/?{session}   (held open)");
        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        log.Add($"WS   /engine.io/?EIO=4&transport=websocket&sid={sid}");
        log.Add("  → 101 Switching Protocols");
        await Send(ws, "2probe");
        log.Add("ws > 2probe");
        log.Add("ws < " + await Receive(ws));
        var released = await Wait.For(pending, "the pending GET");
        log.Add($"  held GET → {(int)released.StatusCode} [{released.Content.Headers.ContentType}] {await released.Content.ReadAsStringAsync()}   (noop: polling pauses)");
        await Send(ws, "5");
        log.Add("ws > 5");
        await host.Probe.UpgradedAsync(sid);
        log.Add("(server: Upgraded event)");

        log.Add("");
        log.Add("## Messages over the WebSocket: one packet per frame, binary as a raw binary frame");
        await Send(ws, "4hello again");
        log.Add("ws > 4hello again");
        log.Add("ws < " + await Receive(ws));
        await ws.SendAsync(new byte[] { 1, 2, 3, 4 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        log.Add("ws > <binary 01020304>");
        log.Add("ws < " + await Receive(ws));

        log.Add("");
        log.Add("## After the upgrade, polling with this sid is refused");
        await Request(HttpMethod.Get, session);

        log.Add("");
        log.Add("## The client closes the WebSocket: the session ends");
        var closed = host.Probe.ClosedAsync(sid);
        await Wait.For(ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None), "the close handshake");
        log.Add("ws > <close 1000>");
        var (reason, _) = await closed;
        log.Add($"(server: Closed event, reason \"{reason}\")");

        log.Add("");
        log.Add("## Server log at Information (none: the lines about a session carry its id, a bearer secret while it polls, so they are Debug)");
        log.AddRange(host.Log.Lines);

        Snapshot.Match(string.Join('\n', log), scrubber);
    }

    private static Task Send(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> Receive(ClientWebSocket ws)
    {
        var buffer = new byte[4096];
        var result = await Wait.For(ws.ReceiveAsync(buffer, CancellationToken.None), "a frame");
        return result.MessageType == WebSocketMessageType.Binary
            ? "<binary " + Convert.ToHexString(buffer, 0, result.Count).ToLowerInvariant() + ">"
            : Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
