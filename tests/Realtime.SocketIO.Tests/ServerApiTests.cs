using Microsoft.AspNetCore.Builder;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>The server API as an application uses it, observed on the raw wire.</summary>
public class ServerApiTests
{
    private sealed record Purchase(string Nickname, int GoodsId, string GoodsName);

    [Fact]
    public async Task Typed_handlers_read_their_arguments_with_web_defaults()
    {
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("BUY", (Purchase p) => got.TrySetResult($"{p.Nickname} bought {p.GoodsName} ({p.GoodsId})"));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["BUY",{"nickname":"민수","goodsId":3,"goodsName":"콜라"}]""");
        Assert.Equal("민수 bought 콜라 (3)", await Wait.For(got.Task, "the BUY handler"));
    }

    [Fact]
    public async Task Two_and_three_arguments_and_missing_ones_are_default()
    {
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("three", (string a, int b, bool? c) => got.TrySetResult($"{a}|{b}|{c?.ToString() ?? "null"}"));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["three","x",7]""");
        Assert.Equal("x|7|null", await Wait.For(got.Task, "the handler"));
    }

    [Fact]
    public async Task A_return_value_answers_the_ack_sync_or_async()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("double", (int n) => n * 2);
            socket.On("later", async (string s) => { await Task.Yield(); return s.ToUpperInvariant(); });
            socket.On("ping", () => "pong");
            socket.On("fire", async (string _) => await Task.Yield()); // a plain Task answers nothing
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""421["double",21]""");
        Assert.Equal("431[42]", await wire.ReceiveTextAsync());
        await wire.SendAsync("""422["later","abc"]""");
        Assert.Equal("""432["ABC"]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""423["fire","x"]""");
        await wire.SendAsync("""424["ping"]""");
        Assert.Equal("""434["pong"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_explicit_ack_callback_answers_once()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("question", (string q, SocketIOAck ack) => { ack("answer to " + q, 42); ack("ignored"); });
            socket.On("no-ack-asked", (string q, SocketIOAck ack) => ack("nobody listens"));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["no-ack-asked","x"]""");
        await wire.SendAsync("""427["question","life"]""");
        Assert.Equal("""437["answer to life",42]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""428["question","again"]""");
        Assert.Equal("""438["answer to again",42]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Byte_array_parameters_receive_attachments_and_emitted_bytes_become_attachments()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("upload", (string name, byte[] data) => socket.Emit("stored", name, data.Length, data.Reverse().ToArray()));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""451-["upload","a.gif",{"_placeholder":true,"num":0}]""");
        await wire.SendAsync("GIF89a"u8.ToArray());
        Assert.Equal("""451-["stored","a.gif",6,{"_placeholder":true,"num":0}]""", await wire.ReceiveTextAsync());
        Assert.Equal("a98FIG"u8.ToArray(), await wire.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task A_throwing_handler_is_logged_and_the_connection_keeps_serving()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("boom", () => throw new InvalidOperationException("handler bug"));
            socket.On("boom-async", async () => { await Task.Yield(); throw new InvalidOperationException("async handler bug"); });
            socket.On("typed", (int n) => socket.Emit("typed-ok", n));
            socket.On("echo", (string s) => socket.Emit("echo", s));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["boom"]""");
        await wire.SendAsync("""42["boom-async"]""");
        await wire.SendAsync("""42["typed","not a number"]""");
        await wire.SendAsync("""42["echo","still here"]""");
        Assert.Equal("""42["echo","still here"]""", await wire.ReceiveTextAsync());
        await server.Log.WaitFor(l => l.Contains("handler of socket") && l.Contains("threw"), count: 2);
        await server.Log.WaitFor(l => l.Contains("Event typed") && l.Contains("do not fit"));
    }

    [Fact]
    public async Task OnAny_sees_every_event_before_its_handlers()
    {
        var seen = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.OnAny((name, args) => seen.Enqueue($"any {name}: {args}"));
            socket.On("b", (SocketIOArgs args) => { seen.Enqueue("b handler"); done.TrySetResult(); });
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["a",1]""");
        await wire.SendAsync("""42["b",{"x":2}]""");
        await Wait.For(done.Task, "the b handler");
        Assert.Equal(["any a: a(1)", """any b: b({"x":2})""", "b handler"], seen);
    }

    [Fact]
    public async Task Handshake_has_query_headers_auth_and_address()
    {
        var handshake = new TaskCompletionSource<SocketIOHandshake>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket => handshake.TrySetResult(socket.Handshake)));
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress, "&room=lobby");
        await using var __ = wire;
        await wire.SendAsync("""40{"token":"abc"}""");
        var h = await Wait.For(handshake.Task, "the connection");
        Assert.Equal("lobby", h.Query["room"]);
        Assert.Equal("websocket", h.Query["transport"]);
        Assert.Equal("abc", h.Auth.GetProperty("token").GetString());
        Assert.Equal("127.0.0.1", h.Address);
        Assert.Contains("room=lobby", h.Url);
        Assert.False(h.Secure);
        Assert.True(h.Headers.ContainsKey("Host"));
        Assert.InRange(h.Issued, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
        Assert.Equal(JsonValueKind.Object, h.Auth.ValueKind);
    }

    [Fact]
    public async Task Emitting_a_reserved_event_name_is_refused()
    {
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            try { socket.Emit("disconnect", "x"); } catch (Exception e) { error.TrySetResult(e); }
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        var e = await Wait.For(error.Task, "the emit");
        Assert.IsType<ArgumentException>(e);
        Assert.Contains("reserved", e.Message);
    }

    [Fact]
    public async Task Socket_data_keeps_values_between_events()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.On("name", (string name) => socket.Data["name"] = name);
            socket.On("who", () => socket.Emit("you are", socket.Data["name"]));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["name","상민"]""");
        await wire.SendAsync("""42["who"]""");
        Assert.Equal("""42["you are","상민"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task EmitWithAck_times_out_and_fails_when_the_socket_disconnects()
    {
        var timedOut = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnected = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", async socket =>
        {
            try { await socket.Timeout(TimeSpan.FromMilliseconds(50)).EmitWithAckAsync("unanswered"); }
            catch (Exception e) { timedOut.TrySetResult(e); }
            try { await socket.EmitWithAckAsync("never", 1); }
            catch (Exception e) { disconnected.TrySetResult(e); }
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""420["unanswered"]""", await wire.ReceiveTextAsync());
        Assert.IsType<TimeoutException>(await Wait.For(timedOut.Task, "the timeout"));
        Assert.Equal("""421["never",1]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("41");
        Assert.IsType<SocketIODisconnectedException>(await Wait.For(disconnected.Task, "the disconnection"));
    }

    [Fact]
    public async Task EmitWithAck_stops_waiting_when_the_token_passed_is_cancelled()
    {
        using var stop = new CancellationTokenSource();
        var waits = new TaskCompletionSource<Task[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            // The arguments as one array, then the token: the token is never taken for an argument.
            waits.TrySetResult([
                socket.EmitWithAckAsync("search", ["책", 2], stop.Token),
                socket.Timeout(TimeSpan.FromMinutes(5)).EmitWithAckAsync<string>("whoAreYou", [], stop.Token),
                io.Timeout(TimeSpan.FromMinutes(5)).EmitWithAckAsync("vote?", [], stop.Token),
            ]);
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""420["search","책",2]""", await wire.ReceiveTextAsync());
        Assert.Equal("""421["whoAreYou"]""", await wire.ReceiveTextAsync());
        Assert.Equal("""422["vote?"]""", await wire.ReceiveTextAsync());
        var tasks = await Wait.For(waits.Task, "the three emits");
        Assert.All(tasks, task => Assert.False(task.IsCompleted));   // nobody answered, the timeouts are far off

        stop.Cancel();
        foreach (var task in tasks)
        {
            await Wait.For(Assert.ThrowsAnyAsync<OperationCanceledException>(() => task), "the cancelled wait");
        }
    }

    [Fact]
    public async Task A_CancellationToken_among_the_arguments_is_refused_and_never_sent()
    {
        var refusals = new TaskCompletionSource<Exception[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", async socket =>
        {
            var token = socket.ConnectionAborted;
            var errors = new List<Exception>();
            async Task Refused(Func<Task> emit)
            {
                try { await emit(); }
                catch (ArgumentException e) { errors.Add(e); }
            }
            // Before, a token as the last params element was quietly taken for the wait's; now it is a mistake said aloud.
            await Refused(() => socket.EmitWithAckAsync("search", "책", token));
            await Refused(() => socket.Timeout(TimeSpan.FromMinutes(5)).EmitWithAckAsync<string>("search", "책", token));
            await Refused(() => socket.EmitWithAckAsync("search", ["책", token], CancellationToken.None));
            await Refused(() => io.Timeout(TimeSpan.FromMinutes(5)).EmitWithAckAsync("vote?", token));
            await Refused(() => io.ServerSideEmitWithAckAsync("ping", token));
            socket.Emit("after");
            refusals.TrySetResult([.. errors]);
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["after"]""", await wire.ReceiveTextAsync());   // nothing went out before it
        var errors = await Wait.For(refusals.Task, "the refusals");
        Assert.Equal(5, errors.Length);
        Assert.All(errors, e => Assert.Contains("cancellationToken", e.Message));
    }

    [Fact]
    public async Task Dynamic_namespaces_from_a_pattern_share_its_handlers()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            var rooms = io.Of(new Regex("^/room-\\d+$"));
            rooms.Use(async (socket, next) => { socket.Data["checked"] = true; await next(); });
            rooms.On("connection", socket => socket.Emit("welcome", socket.Nsp.Name, socket.Data["checked"]));
            io.Of((name, auth) => name == "/vip" && auth.TryGetProperty("vip", out var v) && v.GetBoolean())
              .On("connection", socket => socket.Emit("welcome", socket.Nsp.Name));
        });
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40/room-42,");
        Assert.StartsWith("40/room-42,{\"sid\":", await wire.ReceiveTextAsync());
        Assert.Equal("""42/room-42,["welcome","/room-42",true]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("40/room-x,");
        Assert.Equal("""44/room-x,{"message":"Invalid namespace"}""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""40/vip,{"vip":false}""");
        Assert.Equal("""44/vip,{"message":"Invalid namespace"}""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""40/vip,{"vip":true}""");
        Assert.StartsWith("40/vip,{\"sid\":", await wire.ReceiveTextAsync());
        Assert.Equal("""42/vip,["welcome","/vip"]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Middleware_runs_in_order_and_can_read_the_handshake()
    {
        var order = new ConcurrentQueue<string>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            io.Use(async (socket, next) => { order.Enqueue("first"); await next(); order.Enqueue("first after"); });
            io.Use(socket =>
            {
                order.Enqueue("second");
                if (socket.Handshake.Auth.TryGetProperty("token", out var t) && t.GetString() == "ok") return Task.CompletedTask;
                throw new SocketIOConnectException("not authorized");
            });
            io.On("connection", socket => { order.Enqueue("connection"); connected.TrySetResult(); });
        });
        var (wire, _) = await WsWire.ConnectAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""40{"token":"bad"}""");
        Assert.Equal("""44{"message":"not authorized"}""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""40{"token":"ok"}""");
        Assert.StartsWith("40{\"sid\":", await wire.ReceiveTextAsync());
        await Wait.For(connected.Task, "the connection handler"); // it runs after CONNECT is sent, as in Node
        // The refusal propagates through the first middleware's `await next()`, so its "after" part runs only for the accepted one;
        // the connection handler runs once the whole chain completed.
        Assert.Equal(["first", "second", "first", "second", "first after", "connection"], order);
    }

    [Fact]
    public async Task Emit_keeps_a_typed_array_whole_spreads_an_object_array_and_sends_null()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            socket.Emit("list", new[] { "a", "b" });
            socket.Emit("spread", new object?[] { 1, "two" });
            socket.Emit("nothing", null);
            socket.Emit("none");
            socket.Emit("three", 1, true, new { Name = "x" });
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("""42["list",["a","b"]]""", await wire.ReceiveTextAsync());
        Assert.Equal("""42["spread",1,"two"]""", await wire.ReceiveTextAsync());
        Assert.Equal("""42["nothing",null]""", await wire.ReceiveTextAsync());
        Assert.Equal("""42["none"]""", await wire.ReceiveTextAsync());
        Assert.Equal("""42["three",1,true,{"name":"x"}]""", await wire.ReceiveTextAsync());
    }

    [Fact]
    public async Task Handshake_user_is_the_user_of_the_request_that_opened_the_connection()
    {
        var user = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(
            io => io.On("connection", socket => user.TrySetResult(socket.Handshake.User?.Identity?.Name)),
            pipeline: app => app.Use((Microsoft.AspNetCore.Http.HttpContext context, Microsoft.AspNetCore.Http.RequestDelegate next) =>
            {
                // Stands in for authentication middleware (cookie, JWT) that ran before Socket.IO.
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "민수")], "test"));
                return next(context);
            }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        Assert.Equal("민수", await Wait.For(user.Task, "the connection"));
    }

    [Fact]
    public async Task The_server_is_in_dependency_injection()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        Assert.Same(server.IO, server.Services.GetService(typeof(SocketIOServer)));
        Assert.Equal("/socket.io", server.IO.Options.Path);
        Assert.Equal(TimeSpan.FromSeconds(45), new SocketIOServerOptions().ConnectTimeout);
    }
}
