extern alias sio;

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// What travels on the wire between step 03's page and its server, recorded by a client driven by hand (no client
/// library): the default way (an HTTP long-polling handshake, then an upgrade to WebSocket) and WebSocket only.
/// The two snapshots are the step's documentation of the protocol.
/// </summary>
public sealed class SocketIOWireTests
{
    private const string News = """42["news","Hello Socket.IO"]""";
    private const string Reply = """42["reply","Hello Node.JS"]""";

    [Fact]
    public async Task Default_transport_polling_handshake_then_upgrade_to_websocket()
    {
        // The app's clock (its news interval, and the server's own timers) is one the test moves: no news comes until
        // the upgrade is done, so the polling part is the same in every run; then the test lets 3 s pass twice.
        var clock = new FakeTimeProvider();
        await using var app = await RunningApp<sio::Program>.StartAsync(
            configure: web => web.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock)));
        var scrubber = Scrubber.Default().WithStartupPort();
        await using var client = new SocketIOWire(app.BaseAddress, scrubber);
        var wire = client.Wire;

        wire.Section("1. handshake over HTTP long-polling: Engine.IO OPEN (0) with the session id and the way to upgrade");
        await client.PollAsync();

        wire.Section("2. Socket.IO CONNECT (40) to the main namespace \"/\"; a GET is already waiting for the answer, as the browser does");
        var poll = client.StartPoll();
        await client.PostAsync("40");
        await client.ReceivePollAsync(poll);
        await app.Log.WaitForText("새로운 클라이언트가 접속했습니다.");

        wire.Section("3. upgrade: a WebSocket on the same session (sid), probed (2probe/3probe) while a GET is still waiting");
        poll = client.StartPoll();
        await client.OpenWebSocketAsync();
        await client.SendAsync("2probe");
        await client.ReceiveAsync();
        clock.Advance(TimeSpan.FromMilliseconds(100));   // the server looks for a GET to release every 100 ms, as Node does
        wire.Section("4. the upgrade completes: the server ends the waiting GET with a NOOP (6), so polling stops; then the client sends UPGRADE (5)");
        await client.ReceivePollAsync(poll);
        await client.SendAsync("5");

        wire.Section("5. everything now travels as WebSocket frames, one packet per frame: EVENT (42) news, EVENT (42) reply");
        for (var i = 0; i < 2; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(3));   // setInterval(..., 3000) comes round
            Assert.Equal(News, await client.ReceiveAsync());
            await client.SendAsync(Reply);
        }
        await app.Log.WaitForText("Hello Node.JS", count: 2);

        wire.Section("6. the client leaves: Socket.IO DISCONNECT (41), then it closes the WebSocket; the server stops the timer");
        await client.SendAsync("41");
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");
        var closed = SessionClosed(app);
        await client.CloseWebSocketAsync();
        await Wait.For(closed, "the Engine.IO session to close");

        wire.Section("server log");
        foreach (var line in app.Log.Lines) wire.Add(line);
        Snapshot.Match(wire.ToString(), scrubber);
    }

    [Fact]
    public async Task WebSocket_only_heartbeat_acks_and_bad_input()
    {
        // News every 50 ms, and a ping every 300 ms instead of every 25 s, to show the heartbeat.
        await using var app = await RunningApp<sio::Program>.StartAsync(
            new Dictionary<string, string?> { ["News:IntervalMs"] = "50" },
            configure: web => web.ConfigureServices(services =>
                services.Configure<SocketIOServerOptions>(o => o.PingInterval = TimeSpan.FromMilliseconds(300))));
        var scrubber = Scrubber.Default().WithStartupPort();
        // Pings recorded: this test shows the heartbeat, so it receives the server's PING and answers it itself.
        await using var client = new SocketIOWire(app.BaseAddress, scrubber, pings: PingFrames.Recorded);
        var wire = client.Wire;

        wire.Section("1. transports: [\"websocket\"]: no polling, the first request is the WebSocket; OPEN says there is nothing to upgrade to " +
                     "(the test shortens pingInterval to 300 ms; the default is 25000)");
        await client.OpenWebSocketAsync();
        await client.ReceiveAsync();
        await client.SendAsync("40");
        // The first PING may come before the CONNECT answer (300 ms after OPEN, on a busy machine): answered, not shown.
        await client.ReceiveSkippingAsync(f => f.StartsWith("40", StringComparison.Ordinal));

        wire.Section("2. news and reply (the first two news)");
        for (var i = 0; i < 2; i++)
        {
            await client.ReceiveSkippingAsync(f => f == News);
            await client.SendAsync(Reply);
        }
        await app.Log.WaitForText("Hello Node.JS", count: 2);

        wire.Section("3. heartbeat: the server sends PING (2), the client answers PONG (3); news frames in between are not shown from here on");
        await client.ReceiveSkippingAsync(f => f == "2");
        await client.SendAsync("3");

        wire.Section("4. ack, client to server: an id (1) after 42 asks for an answer; ACK (43) with the same id carries the handler's return value");
        await client.SendAsync("""421["question","잘 들리나요?"]""");
        await client.ReceiveSkippingAsync(f => f.StartsWith("43", StringComparison.Ordinal));

        wire.Section("5. ack, server to client: the client asks for an interview (id 2); the server emits whoAreYou with its own id and waits");
        await client.SendAsync("""422["interview"]""");
        var question = await client.ReceiveSkippingAsync(f => f.Contains("\"whoAreYou\"", StringComparison.Ordinal));
        var serverAckId = question[2..question.IndexOf('[', StringComparison.Ordinal)];
        await client.SendAsync($$"""43{{serverAckId}}["raw client"]""");
        await client.ReceiveSkippingAsync(f => f.StartsWith("432", StringComparison.Ordinal));
        await app.Log.WaitForText("클라이언트의 대답: raw client");

        wire.Section("6. bad input: reply with an object instead of a string is logged and skipped; the socket keeps working");
        await client.SendAsync("""42["reply",{"not":"a string"}]""");
        await app.Log.WaitForText("do not fit the handler");
        await client.SendAsync("""423["question","still there?"]""");
        await client.ReceiveSkippingAsync(f => f.StartsWith("433", StringComparison.Ordinal));

        wire.Section("7. the client leaves: DISCONNECT (41), then the WebSocket closes");
        await client.SendAsync("41");
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");
        var closed = SessionClosed(app);
        await client.CloseWebSocketAsync();
        await Wait.For(closed, "the Engine.IO session to close");

        wire.Section("server log");
        foreach (var line in app.Log.Lines) wire.Add(line);
        Snapshot.Match(wire.ToString(), scrubber);
    }

    /// <summary>
    /// The one open Engine.IO session's end. The log cannot say it: the library writes session ids, bearer secrets
    /// while a session polls, only at Debug.
    /// </summary>
    private static Task SessionClosed(RunningApp<sio::Program> app)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = Assert.Single(app.Services.GetRequiredService<SocketIOServer>().Engine.Clients);
        session.Closed += (_, _, _) => closed.TrySetResult();
        if (session.ReadyState == Realtime.EngineIO.EngineSocketState.Closed) closed.TrySetResult();
        return closed.Task;
    }
}
