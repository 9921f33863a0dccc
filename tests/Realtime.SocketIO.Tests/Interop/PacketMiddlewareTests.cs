using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// <c>socket.Use((packet, next) =&gt; …)</c>, Node's per-packet middleware (socket.ts <c>use</c>, <c>run</c>,
/// <c>dispatch</c>, <c>_onerror</c>), with the official socket.io-client 4.8.
/// </summary>
public sealed class PacketMiddlewareTests
{
    private static void Configure(SocketIOServer io, Transcript server) => io.On("connection", socket =>
    {
        socket.OnAny((name, args) => server.Add($"any {name}"));
        // 1. Refuses two events by throwing (Node: next(new Error(...))).
        socket.Use((packet, next) =>
        {
            server.Add($"middleware {packet.Event}");
            if (packet.Event is "secret" or "forbidden") throw new InvalidOperationException($"허가되지 않은 이벤트입니다: {packet.Event}");
            return next();
        });
        // 2. Rewrites: arguments, binary arguments, the event name.
        socket.Use((packet, next) =>
        {
            if (packet.Event == "shout") packet.SetArgs(packet.Args.Get<string>(0) + "!!!");
            if (packet.Event == "bytes") packet.SetArgs(packet.Args.Get<byte[]>(0)!.Reverse().ToArray());
            if (packet.Event == "old-name") packet.Event = "new-name";
            return next();
        });
        // 3. Asynchronous: the event waits for it.
        socket.Use(async (packet, next) =>
        {
            if (packet.Event == "slow") await Task.Delay(1).ConfigureAwait(false);
            await next();
        });
        // 4. Drops "ignored" silently: next is not called.
        socket.Use((packet, next) => packet.Event == "ignored" ? Task.CompletedTask : next());

        socket.On("error", (Exception e) =>
        {
            server.Add($"error {e.GetType().Name} {e.Message}");
            if (e.Message.EndsWith("forbidden", StringComparison.Ordinal)) socket.Disconnect();
            else socket.Emit("refused", e.Message);
        });
        socket.On("shout", (string text) => text);
        socket.On("bytes", (byte[] data) => data);
        socket.On("new-name", (int n) => n + 1);
        socket.On("old-name", (int n) => -1);
        socket.On("slow", (string text) => $"통과: {text}");
        socket.On("secret", (string text) => { server.Add("secret handler ran"); return "비밀 답"; });
        socket.On("ignored", () => { server.Add("ignored handler ran"); return "답"; });
        socket.On("disconnect", (string reason) => server.Add($"disconnect {reason}"));
    });

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Packet_middleware_rewrites_or_refuses_events_from_the_official_client(string transport)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => Configure(io, server));

        var lines = await NodeScript.RunAsync("sio-packet-middleware.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);
        var all = string.Join("\n", lines);

        Assert.False(seen.ContainsKey("error"), all);
        Assert.Equal("안녕하세요!!!", seen["shout"].GetProperty("answer").GetString());
        Assert.Equal(42, seen["renamed"].GetProperty("answer").GetInt32());
        Assert.Equal([3, 2, 1], seen["bytes"].GetProperty("answer").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("통과: 느린 검사", seen["slow"].GetProperty("answer").GetString());
        // A refusal reaches the client only through what the "error" handler emits; its ack is never answered,
        // and an event a middleware drops (no next) gets neither an answer nor an error.
        Assert.Equal("허가되지 않은 이벤트입니다: secret", seen["refused"].GetProperty("message").GetString());
        Assert.Equal("다음!!!", seen["after"].GetProperty("answer").GetString());
        Assert.False(seen["after"].GetProperty("secretAnswered").GetBoolean());
        Assert.False(seen["after"].GetProperty("ignoredAnswered").GetBoolean());
        Assert.Equal("io server disconnect", seen["disconnect"].GetProperty("reason").GetString());

        await server.WaitForText("disconnect server namespace disconnect");
        // OnAny saw each event as sent (before the middleware); the middleware ran in order; refused and dropped
        // events never reached their handlers.
        Assert.Equal(
        [
            "any shout", "middleware shout",
            "any old-name", "middleware old-name",
            "any bytes", "middleware bytes",
            "any slow", "middleware slow",
            "any secret", "middleware secret", "error InvalidOperationException 허가되지 않은 이벤트입니다: secret",
            "any ignored", "middleware ignored",
            "any shout", "middleware shout",
            "any forbidden", "middleware forbidden", "error InvalidOperationException 허가되지 않은 이벤트입니다: forbidden",
            "disconnect server namespace disconnect",
        ], server.Lines);
    }

    [Fact]
    public async Task Without_an_error_handler_a_refusal_is_only_logged_and_the_client_hears_nothing_on_the_raw_wire()
    {
        var recorder = new LogRecorder();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            // Asynchronous this time: the refusal comes from a faulted task.
            socket.Use(async (packet, next) =>
            {
                await Task.Yield();
                if (packet.Event == "secret") throw new InvalidOperationException("비밀입니다");
                await next();
            });
            socket.On("secret", () => "never");
            socket.On("echo", (string text) => text);
        }), host: recorder.AddTo);
        var (wire, _) = await WsWire.ConnectMainAsync(host.BaseAddress);
        await using var __ = wire;

        await wire.SendAsync("""421["secret"]""");
        await recorder.WaitForAsync("PacketRefused");
        Assert.Contains("비밀입니다", Assert.Single(recorder.Of("PacketRefused")).Message);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, recorder.Of("PacketRefused")[0].Level);
        // The next frame the client gets answers its next event: no ack 1, no error packet for the refused one.
        await wire.SendAsync("""422["echo","다음"]""");
        Assert.Equal("""432["다음"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_error_event_sent_by_the_client_reaches_the_error_handler_without_an_exception()
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.Use((packet, next) => packet.Event == "secret" ? throw new InvalidOperationException("거절") : next());
            socket.On("error", (SocketIOArgs args) => server.Add($"error {args.Error?.Message ?? "(from the client)"}: {args.Get<string>(0)}"));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(host.BaseAddress);
        await using var __ = wire;

        // Node's overload of "error": a client may emit it too (it is not reserved on the wire).
        await wire.SendAsync("""42["error","클라이언트가 보낸 error"]""");
        await wire.SendAsync("""42["secret"]""");
        await server.WaitForText("error 거절");
        Assert.Equal(["error (from the client): 클라이언트가 보낸 error", "error 거절: 거절"], server.Lines);
    }
}
