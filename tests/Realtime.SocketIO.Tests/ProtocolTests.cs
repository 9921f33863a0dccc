using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// Socket.IO v5 on the raw wire (PROTOCOL.md, Socket.IO part), against the conformance host configuration:
/// one test per behaviour, frames written and read by hand, no client library.
/// </summary>
public class ProtocolTests
{
    [Fact]
    public async Task Connect_to_the_main_namespace_answers_exactly_the_socket_id_which_is_not_the_engine_sid()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, open) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var _ = wire;
        var engineSid = JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();

        await wire.SendAsync("40");
        var reply = await wire.ReceiveTextAsync();
        Assert.StartsWith("40{", reply);
        var payload = JsonDocument.Parse(reply[2..]).RootElement;
        Assert.Equal(["sid"], payload.EnumerateObject().Select(p => p.Name));
        var socketId = payload.GetProperty("sid").GetString()!;
        Assert.Equal(20, socketId.Length);
        Assert.NotEqual(engineSid, socketId);
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task The_auth_payload_of_connect_is_the_handshake_auth()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress, """40{"token":"123","n":[1,{"é":"<&>"}]}""");
        await using var __ = wire;
        Assert.Equal("""42["auth",{"token":"123","n":[1,{"é":"<&>"}]}]""", await wire.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("40/custom,")]
    [InlineData("40/custom")]
    public async Task Connect_to_a_namespace_with_or_without_the_trailing_comma(string connect)
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync(connect);
        Assert.Matches("""^40/custom,\{"sid":"[A-Za-z0-9_-]{20}"\}$""", await wire.ReceiveTextAsync());
        Assert.Equal("""42/custom,["auth",{}]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Namespaces_share_one_engine_connection()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""40/custom,{"who":"custom"}""");
        Assert.StartsWith("40/custom,{\"sid\":", await wire.ReceiveTextAsync());
        Assert.Equal("""42/custom,["auth",{"who":"custom"}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42["message","still main"]""");
        Assert.Equal("""42["message-back","still main"]""", await wire.ReceiveTextAsync());
        Assert.Equal(1, server.IO.Engine.ClientsCount);
    }

    [Theory]
    [InlineData("40/random", "44/random,{\"message\":\"Invalid namespace\"}")]
    [InlineData("40/random,{\"token\":1}", "44/random,{\"message\":\"Invalid namespace\"}")]
    public async Task An_unknown_namespace_is_refused_and_the_connection_stays(string connect, string expected)
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync(connect);
        Assert.Equal(expected, await wire.ReceiveTextAsync());
        await wire.SendAsync("40");
        Assert.StartsWith("40{\"sid\":", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task After_an_asynchronous_middleware_an_event_sent_right_after_CONNECT_waits_for_the_connection_handlers()
    {
        using var helloHandledMeanwhile = new ManualResetEventSlim();
        var handlerRan = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: io =>
        {
            var slow = io.Of("/slow");
            slow.Use(async (socket, next) =>
            {
                // Tells when the connection handles the client's EVENT (after Socket.IO's own Message handler).
                socket.Conn.Message += (_, message) => { if (message.Text.Contains("hello")) helloHandledMeanwhile.Set(); };
                await Task.Yield(); // the join then runs on another thread than the client's packets
                await next();
            });
            slow.On("connection", socket =>
            {
                // A slow connection handler. The client's EVENT arrives meanwhile; it must not be handled (and lost)
                // before this handler has registered socket.On("hello"): this wait must run out (1 s).
                var handledTooEarly = helloHandledMeanwhile.Wait(TimeSpan.FromSeconds(1));
                socket.On("hello", (SocketIOArgs args) => socket.Emit("hi", args.ToArray()));
                handlerRan.TrySetResult(handledTooEarly);
            });
        });
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40/slow,");
        Assert.StartsWith("40/slow,{\"sid\":", await wire.ReceiveTextAsync());

        await wire.SendAsync("""42/slow,["hello",1]""");

        Assert.False(await Realtime.Testing.Wait.For(handlerRan.Task, "the connection handler"), "the EVENT was handled before the connection handler ran");
        Assert.Equal("""42/slow,["hi",1]""", await wire.ReceiveTextAsync());
        Assert.True(helloHandledMeanwhile.IsSet);
    }

    [Fact]
    public async Task Middleware_refusal_sends_message_and_data_and_data_is_left_out_when_null()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: io =>
        {
            io.Of("/private").Use(async (socket, next) =>
            {
                await Task.Yield();
                throw new SocketIOConnectException("not authorized", new { Content = "Please retry later" });
            });
            io.Of("/plain").Use(_ => throw new InvalidOperationException("no entry"));
        });
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40/private,");
        Assert.Equal("""44/private,{"message":"not authorized","data":{"content":"Please retry later"}}""", await wire.ReceiveTextAsync());
        // Any other exception refuses too, without telling the client what it said (it may hold internals).
        await wire.SendAsync("40/plain,");
        Assert.Equal("""44/plain,{"message":"Server error"}""", await wire.ReceiveTextAsync());
        await server.Log.WaitForText("a middleware threw");
        // A refused namespace can be tried again (it was never joined).
        await wire.SendAsync("40/private,");
        Assert.StartsWith("44/private,", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task No_connect_within_the_connect_timeout_closes_the_connection()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync(o => o.ConnectTimeout = TimeSpan.FromSeconds(1));
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        var frames = await wire.WaitClosedAsync();
        Assert.Empty(frames);
    }

    [Fact]
    public async Task Joining_a_namespace_stops_the_connect_timeout()
    {
        // The server's clock moves only when the test says: a loaded machine cannot let the 1 s run out before the
        // CONNECT is read, and "later" below is exact.
        var clock = new FakeTimeProvider();
        await using var server = await SocketIOTestHost.StartConformanceAsync(
            o => o.ConnectTimeout = TimeSpan.FromSeconds(1), host: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());

        // Twice the connect timeout later (the wire answers the heartbeats meanwhile), the connection still serves.
        clock.Advance(TimeSpan.FromSeconds(2));
        await wire.SendAsync("""42["message","alive"]""");
        Assert.Equal("""42["message-back","alive"]""", await wire.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("4abc")]              // unknown Socket.IO packet type
    [InlineData("42{}")]              // EVENT payload not an array
    [InlineData("42abc[\"message\"]")]// garbage before the JSON
    [InlineData("42[]")]              // no event name
    [InlineData("42[\"disconnect\"]")]// reserved event name
    [InlineData("411-[\"message\"]")] // more than 10 attachments
    [InlineData("450-[\"message\"]")] // illegal attachment count
    [InlineData("40")]                // CONNECT again for a joined namespace
    [InlineData("42/custom,[\"message\"]")] // EVENT for a namespace not joined
    [InlineData("44{\"message\":\"x\"}")]   // CONNECT_ERROR from a client
    [InlineData("40/custom,[]")]      // CONNECT payload not an object
    [InlineData("40/custom,\"token\"")] // CONNECT payload a string
    [InlineData("41{}")]              // DISCONNECT with a payload
    [InlineData("43[")]               // invalid JSON
    public async Task A_protocol_violation_closes_the_whole_connection(string packet)
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync(packet);
        var frames = await wire.WaitClosedAsync();
        Assert.DoesNotContain(frames, f => f.Text?.StartsWith("42") == true);

        // The server keeps serving everyone else.
        var (other, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var ___ = other;
        Assert.Equal("""42["auth",{}]""", await other.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_placeholder_out_of_range_closes_the_connection()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""451-["message",{"_placeholder":true,"num":1}]""");
        await wire.SendAsync([1, 2, 3]);
        await wire.WaitClosedAsync();
    }

    [Fact]
    public async Task Disconnect_from_the_main_namespace_keeps_the_engine_session_open()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        wire.AnswerPings = false;
        await wire.SendAsync("41");
        Assert.Equal("2", await wire.ReceiveTextAsync());
        await wire.SendAsync("3");
        // And the namespace can be joined again.
        await wire.SendAsync("40");
        Assert.StartsWith("40{\"sid\":", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Events_are_echoed_byte_for_byte_as_json_stringify_writes_them()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42["message",1,"2",{"3":[true]}]""");
        Assert.Equal("""42["message-back",1,"2",{"3":[true]}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42["message","<b>&'+é한😀\n\u0001",null,-1.5,{"z":1,"a":2}]""");
        Assert.Equal("""42["message-back","<b>&'+é한😀\n\u0001",null,-1.5,{"z":1,"a":2}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42[1,"numbered events are accepted"]""");
        await wire.SendAsync("""42["message"]""");
        Assert.Equal("""42["message-back"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_event_with_an_ack_id_is_answered_with_ack_and_the_same_id()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42456["message-with-ack",1,"2",{"3":[true]}]""");
        Assert.Equal("""43456[1,"2",{"3":[true]}]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Binary_events_arrive_as_placeholders_plus_binary_frames_and_are_echoed()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""452-["message",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]""");
        await wire.SendAsync([1, 2, 3]);
        await wire.SendAsync([4]);
        Assert.Equal("""452-["message-back",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]""", await wire.ReceiveTextAsync());
        Assert.Equal([1, 2, 3], await wire.ReceiveBinaryAsync());
        Assert.Equal([4], await wire.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task A_binary_ack_puts_the_attachment_count_before_the_id()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""451-1["message-with-ack",{"_placeholder":true,"num":0}]""");
        await wire.SendAsync([9, 8]);
        Assert.Equal("""461-1[{"_placeholder":true,"num":0}]""", await wire.ReceiveTextAsync());
        Assert.Equal([9, 8], await wire.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Over_polling_binary_travels_as_base64_records()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        using var http = server.CreateClient();
        var (wire, _) = await PollingWire.OpenAsync(http);
        Assert.Equal(HttpStatusCode.OK, await wire.PostAsync("40"));
        var connected = await wire.GetAsync();
        Assert.StartsWith("40{\"sid\":", connected[0]);
        if (connected.Length == 1) connected = [.. connected, .. await wire.GetAsync()];
        Assert.Equal("""42["auth",{}]""", connected[1]);

        Assert.Equal(HttpStatusCode.OK, await wire.PostAsync("""451-["message",{"_placeholder":true,"num":0}]""", "bAQID"));
        var echo = await wire.GetAsync();
        Assert.Equal(["""451-["message-back",{"_placeholder":true,"num":0}]""", "bAQID"], echo);
    }

    [Fact]
    public async Task Server_numbers_the_acks_it_asks_for_from_zero_and_reads_the_answer()
    {
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", async socket =>
        {
            answer.TrySetResult(await socket.EmitWithAckAsync<string>("question", "q?"));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""420["question","q?"]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""430["a!"]""");
        Assert.Equal("a!", await Realtime.Testing.Wait.For(answer.Task, "the ack"));
    }

    [Fact]
    public async Task Server_side_disconnect_sends_disconnect_and_with_close_ends_the_connection()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            io.On("connection", socket => socket.On("leave", () => socket.Disconnect()));
            io.Of("/custom").On("connection", socket => socket.On("bye", () => socket.Disconnect(close: true)));
        });
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40/custom,");
        Assert.StartsWith("40/custom,", await wire.ReceiveTextAsync());

        await wire.SendAsync("""42["leave"]""");
        Assert.Equal("41", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42/custom,["bye"]""");
        Assert.Equal("41/custom,", await wire.ReceiveTextAsync());
        await wire.WaitClosedAsync();
    }
}
