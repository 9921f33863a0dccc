using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// Hostile clients on the raw wire: what one client can make the server hold (binary attachments parked in the
/// decoder) or write (log lines quoting the names it chose). Each test ends with a canary client that is still answered.
/// </summary>
public class HostileClientTests
{
    private static string Placeholders(int count) =>
        string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"_placeholder":true,"num":{{i}}}"""));

    /// <summary>A server whose disconnect handlers report "reason | description".</summary>
    private static Action<SocketIOServer> ReportDisconnects(TaskCompletionSource<string> disconnected) => io =>
        io.On("connection", socket => socket.On("disconnect", (SocketIOArgs args) =>
            disconnected.TrySetResult(string.Join(" | ", args.Select(a => a.GetString())))));

    private static async Task<WsWire> CanaryAsync(SocketIOTestHost server)
    {
        var (canary, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        Assert.Equal("""42["auth",{}]""", await canary.ReceiveTextAsync());
        return canary;
    }

    private static async Task AssertAnsweredAsync(WsWire canary)
    {
        await canary.SendAsync("""42["message","still here"]""");
        Assert.Equal("""42["message-back","still here"]""", await canary.ReceiveTextAsync());
    }

    // ---------------------------------------------------------------- parked binary attachments

    [Fact]
    public async Task Attachments_over_MaxAttachmentBytes_close_that_client_and_the_others_are_still_served()
    {
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: ReportDisconnects(disconnected));
        await using var canary = await CanaryAsync(server);
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());

        // The client: 10 attachments announced, then ~900 KB each (each message under MaxHttpBufferSize).
        await wire.SendAsync($"""4510-["message",{Placeholders(10)}]""");
        var chunk = new byte[900_000];
        await wire.SendAsync(chunk); // 900 KB parked: under the default limit (MaxHttpBufferSize, 1 000 000 bytes)
        await wire.SendAsync(chunk); // 1.8 MB: over it, so this one is refused and the connection closed

        await wire.WaitClosedAsync();
        Assert.Equal("forced server close | binary attachments over 1000000 bytes", await Wait.For(disconnected.Task, "the disconnect handler"));
        await server.Log.WaitForText("sent binary attachments over 1000000 bytes for one packet");
        await AssertAnsweredAsync(canary);
    }

    [Fact]
    public async Task Over_polling_the_attachment_limit_counts_across_requests()
    {
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // No GET is kept pending here to answer pings: no heartbeat in the way.
        await using var server = await SocketIOTestHost.StartConformanceAsync(o => o.PingInterval = TimeSpan.FromHours(1), ReportDisconnects(disconnected));
        await using var canary = await CanaryAsync(server);
        using var http = server.CreateClient();
        var (wire, _) = await PollingWire.OpenAsync(http);
        Assert.Equal(System.Net.HttpStatusCode.OK, await wire.PostAsync("40"));
        Assert.StartsWith("40{", (await wire.GetAsync())[0]);

        // Each POST stays under MaxHttpBufferSize (600 000 bytes are 800 000 in base64); together they are over.
        var attachment = "b" + Convert.ToBase64String(new byte[600_000]);
        Assert.Equal(System.Net.HttpStatusCode.OK, await wire.PostAsync($"""452-["message",{Placeholders(2)}]""", attachment));
        await wire.PostAsync(attachment);
        Assert.Equal("forced server close | binary attachments over 1000000 bytes", await Wait.For(disconnected.Task, "the disconnect handler"));
        await AssertAnsweredAsync(canary);
    }

    [Fact]
    public async Task Attachments_that_add_up_to_exactly_MaxAttachmentBytes_are_delivered()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync(o => o.MaxAttachmentBytes = 300);
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());

        await wire.SendAsync($"""453-["message",{Placeholders(3)}]""");
        for (var i = 0; i < 3; i++) await wire.SendAsync(Enumerable.Repeat((byte)i, 100).ToArray());

        Assert.Equal($"""453-["message-back",{Placeholders(3)}]""", await wire.ReceiveTextAsync());
        for (var i = 0; i < 3; i++) Assert.Equal(Enumerable.Repeat((byte)i, 100), await wire.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task A_binary_packet_whose_attachments_never_come_is_closed_after_AttachmentTimeout()
    {
        var clock = new FakeTimeProvider();
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var attachmentsHandled = new SemaphoreSlim(0);
        // The defaults (AttachmentTimeout 30 s, ping every 25 s), on a clock that moves only when told.
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            // Added after Socket.IO's own handler: runs once the decoder has taken the attachment.
            socket.Conn.Message += (_, message) => { if (message.IsBinary) attachmentsHandled.Release(); };
            socket.On("message", (SocketIOArgs args) => socket.Emit("message-back", args.ToArray()));
            socket.On("disconnect", (SocketIOArgs args) => disconnected.TrySetResult(string.Join(" | ", args.Select(a => a.GetString()))));
        }), host: builder => builder.Services.AddSingleton<TimeProvider>(clock));

        var (canary, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var ___ = canary;
        // The canary's binary packet completes at once: it must not leave a timer behind that closes it later.
        await canary.SendAsync($"""451-["message",{Placeholders(1)}]""");
        await canary.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal($"""451-["message-back",{Placeholders(1)}]""", await canary.ReceiveTextAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, await canary.ReceiveBinaryAsync());
        Assert.True(await attachmentsHandled.WaitAsync(Wait.DefaultTimeout));

        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync($"""452-["message",{Placeholders(2)}]""");
        await wire.SendAsync(new byte[1000]); // one of two: the second never comes
        Assert.True(await attachmentsHandled.WaitAsync(Wait.DefaultTimeout), "the server to take the attachment"); // before the clock moves

        clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.False(disconnected.Task.IsCompleted, "closed before AttachmentTimeout");
        Assert.Equal(2, server.IO.Sockets.Sockets.Count);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("forced server close | binary attachments not complete within 30 s", await Wait.For(disconnected.Task, "the disconnect handler"));
        await wire.WaitClosedAsync();
        await canary.SendAsync("""42["message","still here"]""");
        Assert.Equal("""42["message-back","still here"]""", await canary.ReceiveTextAsync());
        Assert.Single(server.IO.Sockets.Sockets);
    }

    // ---------------------------------------------------------------- log amplification

    [Fact]
    public async Task DISCONNECT_for_a_namespace_never_joined_logs_its_name_clipped_at_Debug()
    {
        var recorder = new LogRecorder();
        await using var server = await SocketIOTestHost.StartConformanceAsync(host: recorder.AddTo);
        await using var canary = await CanaryAsync(server);

        // The measurement: 20 such packets, each naming a ~900 KB namespace (18 MB of log before).
        var name = "/" + new string('n', 900_000);
        for (var i = 0; i < 20; i++)
        {
            var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
            await using var __ = wire;
            await wire.SendAsync("41" + name + ",");
            await wire.WaitClosedAsync(); // a protocol violation: the connection goes, as in Node
        }

        await recorder.WaitForAsync("ProtocolViolation", 20);
        var lines = recorder.Of("ProtocolViolation");
        Assert.All(lines, line =>
        {
            Assert.Equal(LogLevel.Debug, line.Level); // the client's fault, not the server's
            Assert.True(line.Message.Length < 500, $"a {line.Message.Length}-character log line");
            Assert.Contains("nnnn…(900001 chars)", line.Message);
        });
        Assert.True(recorder.Entries.Sum(e => e.Message.Length) < 50_000, "the whole log stays small");
        Assert.DoesNotContain(recorder.Entries, e => e.Level >= LogLevel.Warning);
        await AssertAnsweredAsync(canary);
    }

    [Fact]
    public async Task Lines_one_client_causes_are_limited_per_connection_and_minute()
    {
        var clock = new FakeTimeProvider();
        var recorder = new LogRecorder();
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(
            io => io.On("connection", socket => socket.On("message", (SocketIOArgs args) => socket.Emit("message-back", args.ToArray()))),
            o => o.PingInterval = TimeSpan.FromHours(1), // the clock jumps a minute: no heartbeat in the way
            host: builder => { recorder.AddTo(builder); builder.Services.AddSingleton<TimeProvider>(clock); });
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress); // joined: the connect timeout does not apply
        await using var __ = wire;

        // Unknown namespaces are refused and the connection stays (as in Node): it can ask again and again.
        var name = "/" + new string('x', 100_000);
        for (var i = 0; i < 25; i++)
        {
            await wire.SendAsync("40" + name);
            Assert.StartsWith("44/xxx", await wire.ReceiveTextAsync());
        }
        // The default budget: 20 lines this minute (the join's SocketConnected, then 19 refusals), one line saying so,
        // then nothing.
        await recorder.WaitForAsync("ClientLogSuppressed");
        Assert.Single(recorder.Of("SocketConnected"));
        Assert.Equal(19, recorder.Of("InvalidNamespace").Count);
        Assert.Single(recorder.Of("ClientLogSuppressed"));
        Assert.All(recorder.Of("InvalidNamespace"), line => Assert.True(line.Message.Length < 500));

        // A minute later, the connection may log again.
        clock.Advance(TimeSpan.FromMinutes(1));
        await wire.SendAsync("40/again");
        Assert.Equal("""44/again,{"message":"Invalid namespace"}""", await wire.ReceiveTextAsync());
        await recorder.WaitForAsync("InvalidNamespace", 20);

        // The limit is this connection's: another client logs its own first line.
        var (other, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var ___ = other;
        await other.SendAsync("40/other");
        Assert.Equal("""44/other,{"message":"Invalid namespace"}""", await other.ReceiveTextAsync());
        await recorder.WaitForAsync("InvalidNamespace", 21);

        await wire.SendAsync("""42["message","still here"]""");
        Assert.Equal("""42["message-back","still here"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_handler_that_throws_on_a_client_chosen_event_name_logs_the_name_clipped_and_stays_an_error()
    {
        var recorder = new LogRecorder();
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: io => io.On("connection", socket =>
            socket.OnAny((eventName, _) => { if (eventName.StartsWith("boom", StringComparison.Ordinal)) throw new InvalidOperationException("bug"); })),
            host: recorder.AddTo);
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());

        // An event name of 500 000 characters, with a line break that would forge a second log line.
        await wire.SendAsync("42[\"boom\\n[log] error: forged" + new string('e', 500_000) + "\"]");
        await recorder.WaitForAsync("HandlerFailed");
        var line = Assert.Single(recorder.Of("HandlerFailed"));
        Assert.Equal(LogLevel.Error, line.Level); // a handler that throws is the server's bug: it stays an error
        Assert.True(line.Message.Length < 500, $"a {line.Message.Length}-character log line");
        Assert.Contains("boom\\u000a[log] error: forged", line.Message);
        Assert.DoesNotContain('\n', line.Message);

        await AssertAnsweredAsync(wire);
    }

    [Fact]
    public async Task Lines_above_Debug_name_a_polling_session_by_its_first_characters_never_by_its_whole_id()
    {
        // The session id is all a polling request needs to read and send as that client: it stays out of any log
        // that is kept (Information and above); the lines that name the connection use its first six characters.
        var recorder = new LogRecorder();
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            io.Of("/refused").Use(_ => throw new SocketIOConnectException("not authorized"));
            io.Of("/broken").Use(_ => throw new InvalidOperationException("a middleware bug"));
        }, host: recorder.AddTo);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var (wire, _) = await PollingWire.OpenAsync(http);

        await wire.PostAsync("40/refused,", "40/broken,");
        await recorder.WaitForAsync("ConnectionRefused");
        await recorder.WaitForAsync("MiddlewareFailed");
        await wire.PostAsync("1"); // the client closes
        await recorder.WaitForAsync("ConnectionClosed");

        var prefix = wire.Sid[..6] + "…";
        Assert.Contains(prefix, Assert.Single(recorder.Of("ConnectionRefused")).Message);
        Assert.Contains(prefix, Assert.Single(recorder.Of("MiddlewareFailed")).Message);
        Assert.DoesNotContain(recorder.Entries, e => e.Level > LogLevel.Debug && e.Message.Contains(wire.Sid, StringComparison.Ordinal));
        Assert.Contains(recorder.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains(wire.Sid, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/chat", "/chat")]
    [InlineData("a\r\nb\u2028c\0", "a\\u000d\\u000ab\\u2028c\\u0000")]
    public void Clip_keeps_short_text_and_escapes_control_characters(string text, string expected)
    {
        Assert.Equal(expected, ClientLog.Clip(text));
        if (text == expected) Assert.Same(text, ClientLog.Clip(text)); // nothing allocated for the usual name
    }

    [Fact]
    public void Clip_cuts_long_text_and_never_half_a_surrogate_pair()
    {
        Assert.Equal(new string('a', 200) + "…(1000 chars)", ClientLog.Clip(new string('a', 1000)));
        var emojiAcrossTheCut = new string('a', 199) + "😀" + new string('b', 100);
        Assert.Equal(new string('a', 199) + "…(301 chars)", ClientLog.Clip(emojiAcrossTheCut));
        Assert.Equal("", ClientLog.Clip(null));
    }
}
