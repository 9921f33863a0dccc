using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Realtime.EngineIO.Tests;

/// <summary>Options other than the conformance configuration, each on a small echo app built with AddEngineIO/MapEngineIO.</summary>
public sealed class OptionsTests
{
    [Fact]
    public async Task Cors_with_an_explicit_origin_and_credentials_on_polling_errors_preflight_and_the_101()
    {
        await using var host = await EchoHost.StartAsync(o => o.Cors = new EngineCorsOptions { Origins = ["http://app.test"], Credentials = true });
        using var wire = host.Wire();
        wire.Http.DefaultRequestHeaders.Add("Origin", "http://app.test");

        void AssertCors(System.Net.Http.Headers.HttpHeaders headers, params string[] vary)
        {
            Assert.Equal("http://app.test", Assert.Single(headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Equal("true", Assert.Single(headers.GetValues("Access-Control-Allow-Credentials")));
            Assert.Equal(string.Join(", ", vary), string.Join(", ", headers.GetValues("Vary")));
        }

        var handshake = await wire.HandshakeAsync();
        AssertCors(handshake.Response.Headers, "Origin");

        var error = await wire.GetAsync("EIO=4&transport=polling&sid=nope");
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        AssertCors(error.Headers, "Origin");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, wire.Url("EIO=4&transport=polling"));
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var preflightResponse = await wire.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        AssertCors(preflightResponse.Headers, "Origin", "Access-Control-Request-Headers");
        Assert.Equal("content-type", Assert.Single(preflightResponse.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.Equal("GET,HEAD,PUT,PATCH,POST,DELETE", Assert.Single(preflightResponse.Headers.GetValues("Access-Control-Allow-Methods")));

        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket", o =>
        {
            o.CollectHttpResponseDetails = true;
            o.SetRequestHeader("Origin", "http://app.test");
        });
        Assert.Equal("http://app.test", Assert.Single(ws.HttpResponseHeaders!["Access-Control-Allow-Origin"]));
        Assert.Equal("true", Assert.Single(ws.HttpResponseHeaders!["Access-Control-Allow-Credentials"]));
    }

    [Fact]
    public async Task Cors_with_an_origin_predicate_reflects_allowed_origins_only()
    {
        await using var host = await EchoHost.StartAsync(o => o.Cors = new EngineCorsOptions { OriginPredicate = origin => origin.EndsWith(".good.test", StringComparison.Ordinal) });
        using var wire = host.Wire();

        using var allowed = new HttpRequestMessage(HttpMethod.Get, wire.Url("EIO=4&transport=polling"));
        allowed.Headers.Add("Origin", "http://a.good.test");
        using var allowedResponse = await wire.Http.SendAsync(allowed);
        Assert.Equal("http://a.good.test", Assert.Single(allowedResponse.Headers.GetValues("Access-Control-Allow-Origin")));

        using var refused = new HttpRequestMessage(HttpMethod.Get, wire.Url("EIO=4&transport=polling"));
        refused.Headers.Add("Origin", "http://evil.test");
        using var refusedResponse = await wire.Http.SendAsync(refused);
        Assert.False(refusedResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("Origin", refusedResponse.Headers.Vary.Single());
    }

    [Fact]
    public async Task Without_the_cors_option_there_are_no_cors_headers_and_options_is_a_bad_handshake_method()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        wire.Http.DefaultRequestHeaders.Add("Origin", "http://app.test");

        var handshake = await wire.HandshakeAsync();
        Assert.DoesNotContain(handshake.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));

        var options = await wire.SendAsync(HttpMethod.Options, "EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.BadRequest, options.StatusCode);
        Assert.Equal("{\"code\":2,\"message\":\"Bad handshake method\"}", await options.Content.ReadAsStringAsync());
        Assert.False(options.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_websocket_from_an_origin_not_in_the_cors_list_is_refused_new_session_or_upgrade()
    {
        await using var host = await EchoHost.StartAsync(o => o.Cors = EngineCorsOptions.WithOrigins("http://app.test"));
        using var wire = host.Wire();

        async Task<HttpStatusCode> WebSocketStatus(string query, string? origin)
        {
            using var ws = new ClientWebSocket();
            ws.Options.CollectHttpResponseDetails = true;
            if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
            try
            {
                await Wait.For(ws.ConnectAsync(new UriBuilder(wire.Url(query)) { Scheme = "ws" }.Uri, CancellationToken.None), "the WebSocket handshake");
            }
            catch (WebSocketException)
            {
                // refused: the status code is still collected
            }
            return ws.HttpStatusCode;
        }

        // CORS headers do not stop a browser from opening a WebSocket: the server checks the Origin itself.
        // (A refused upgrade is a plain 400, as every refused WebSocket handshake: Node's abortUpgrade.)
        Assert.Equal(HttpStatusCode.BadRequest, await WebSocketStatus("EIO=4&transport=websocket", "http://evil.test"));
        Assert.Equal(HttpStatusCode.BadRequest, await WebSocketStatus("EIO=4&transport=websocket", "http://app.test:8080"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatus("EIO=4&transport=websocket", "http://app.test"));
        // A client that is not a browser page sends no Origin: nothing to check.
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatus("EIO=4&transport=websocket", null));

        // An upgrade of a polling session from another origin is refused too, and the session goes on polling.
        var handshake = await wire.HandshakeAsync();
        Assert.Equal(HttpStatusCode.BadRequest, await WebSocketStatus($"EIO=4&transport=websocket&sid={handshake.Sid}", "http://evil.test"));
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(handshake.Sid, "4still polling")).StatusCode);
    }

    [Fact]
    public async Task A_subscriber_that_throws_is_logged_and_the_others_still_run()
    {
        await using var host = await EchoHost.StartAsync();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Connection += _ => throw new InvalidOperationException("a broken connection handler");
        host.Server.Connection += socket =>
        {
            socket.Message += (_, _) => throw new InvalidOperationException("a broken message handler");
            socket.Message += (_, message) => seen.TrySetResult(message.Text);
        };
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4hello")).StatusCode);

        Assert.Equal("hello", await Wait.For(seen.Task, "the second message handler"));
        Assert.Contains("4hello", await wire.PollUntilAsync(sid, p => p == "4hello"));   // the echo subscribed first still ran
        await host.Log.WaitForText("the Connection handler threw");
        await host.Log.WaitForText("the Message handler threw");
    }

    [Fact]
    public async Task AllowRequest_refusal_is_403_forbidden_and_a_refused_websocket_is_closed()
    {
        await using var host = await EchoHost.StartAsync(o =>
            o.AllowRequest = context => ValueTask.FromResult(context.Request.Query["token"] == "secret"));
        using var wire = host.Wire();

        var refused = await wire.GetAsync("EIO=4&transport=polling&token=wrong");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/json", refused.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"code\":4,\"message\":\"Forbidden\"}", await refused.Content.ReadAsStringAsync());

        await wire.HandshakeAsync("&token=secret");

        using var ws = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() =>
            ws.ConnectAsync(new UriBuilder(wire.Url("EIO=4&transport=websocket&token=wrong")) { Scheme = "ws" }.Uri, CancellationToken.None));
    }

    [Fact]
    public async Task An_upgrade_not_completed_within_upgradeTimeout_closes_the_websocket_and_polling_goes_on()
    {
        await using var host = await EchoHost.StartAsync(o => o.UpgradeTimeout = TimeSpan.FromMilliseconds(100));
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);
        // No "5": the server gives up on the WebSocket.
        await EngineIOWire.WaitForCloseAsync(ws);

        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4still polling")).StatusCode);
        Assert.Equal((HttpStatusCode.OK, "4still polling"), await wire.PollAsync(sid));
        Assert.Equal("polling", host.Server.Clients.Single(c => c.Id == sid).Transport);
    }

    [Fact]
    public async Task The_cookie_option_sets_the_io_cookie_on_the_handshake_only()
    {
        await using var host = await EchoHost.StartAsync(o => o.Cookie = new EngineCookieOptions());
        using var wire = host.Wire();

        var handshake = await wire.HandshakeAsync();
        Assert.Equal($"io={handshake.Sid}; Path=/; HttpOnly; SameSite=Lax", Assert.Single(handshake.Response.Headers.GetValues("Set-Cookie")));

        await wire.PostAsync(handshake.Sid, "4x");
        var next = await wire.GetAsync($"EIO=4&transport=polling&sid={handshake.Sid}");
        Assert.False(next.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_cookie_is_Secure_on_https_by_default_and_Secure_and_SameSite_can_be_set()
    {
        // Over HTTPS (here as a TLS-terminating proxy reports it: the request's scheme set before the endpoint, as
        // UseForwardedHeaders does) the default cookie is Secure: the sid it carries works as a bearer secret.
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        builder.Services.AddEngineIO(o => o.Cookie = new EngineCookieOptions());
        await using (var app = builder.Build())
        {
            app.Use((context, next) =>
            {
                context.Request.Scheme = "https";
                return next(context);
            });
            app.MapEngineIO("/engine.io");
            using var wire = new EngineIOWire(await LocalKestrel.StartAsync(app));
            var handshake = await wire.HandshakeAsync();
            Assert.Equal($"io={handshake.Sid}; Path=/; HttpOnly; Secure; SameSite=Lax", Assert.Single(handshake.Response.Headers.GetValues("Set-Cookie")));
            await app.StopAsync();
        }

        // Set explicitly (SameSite=None needs Secure in browsers), even over plain HTTP.
        await using var host = await EchoHost.StartAsync(o => o.Cookie = new EngineCookieOptions { Secure = true, SameSite = "None" });
        using var plain = host.Wire();
        var second = await plain.HandshakeAsync();
        Assert.Equal($"io={second.Sid}; Path=/; HttpOnly; Secure; SameSite=None", Assert.Single(second.Response.Headers.GetValues("Set-Cookie")));
    }

    [Fact]
    public async Task Transports_and_allowUpgrades_shape_the_handshake()
    {
        await using (var pollingOnly = await EchoHost.StartAsync(o => o.Transports = ["polling"]))
        {
            using var wire = pollingOnly.Wire();
            Assert.Contains("\"upgrades\":[]", (await wire.HandshakeAsync()).Body);
            var ws = await wire.GetAsync("EIO=4&transport=websocket");
            Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await ws.Content.ReadAsStringAsync());
        }
        await using (var noUpgrades = await EchoHost.StartAsync(o => o.AllowUpgrades = false))
        {
            using var wire = noUpgrades.Wire();
            Assert.Contains("\"upgrades\":[]", (await wire.HandshakeAsync()).Body);
        }
        await using (var websocketOnly = await EchoHost.StartAsync(o => o.Transports = ["websocket"]))
        {
            using var wire = websocketOnly.Wire();
            var polling = await wire.GetAsync("EIO=4&transport=polling");
            Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await polling.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_handshake_keeps_a_copy_of_the_opening_request()
    {
        await using var host = await EchoHost.StartAsync();
        var opened = new TaskCompletionSource<EngineIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Connection += socket => opened.TrySetResult(socket);
        using var wire = host.Wire();
        wire.Http.DefaultRequestHeaders.Add("X-Workshop", "step 03");

        var sid = (await wire.HandshakeAsync("&room=lobby")).Sid;
        var socket = await Wait.For(opened.Task, "the Connection event");

        // Read after the opening request has ended: the handshake holds copies.
        var handshake = socket.Handshake;
        Assert.Equal(sid, socket.Id);
        Assert.Equal("polling", socket.Transport);
        Assert.Equal(EngineSocketState.Open, socket.ReadyState);
        Assert.Equal("lobby", handshake.Query["room"]);
        Assert.Equal("step 03", handshake.Headers["X-Workshop"]);
        Assert.Equal("/engine.io/?EIO=4&transport=polling&room=lobby", handshake.Url);
        Assert.True(System.Net.IPAddress.IsLoopback(handshake.RemoteIpAddress!));
        Assert.False(handshake.Secure);
        Assert.NotNull(socket.RequestServices.GetService(typeof(EngineIOServer)));
    }

    [Fact]
    public async Task The_handshake_copy_keeps_every_header_and_query_value_after_kestrel_reuses_the_connection()
    {
        await using var host = await EchoHost.StartAsync();
        var opened = new TaskCompletionSource<EngineIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Connection += socket => opened.TrySetResult(socket);

        // Written by hand: HttpClient joins a repeated header into one line. The second request, pipelined on the same
        // connection, starts only once the handshake request has ended, and Kestrel reuses its header storage for it.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        var host1 = host.BaseAddress.Authority;
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"GET /engine.io/?EIO=4&transport=polling&room=lobby&tag=a&tag=b HTTP/1.1\r\nHost: {host1}\r\n" +
            "X-Workshop: first\r\nX-Tag: one\r\nX-Tag: two\r\n\r\n" +
            $"GET /elsewhere?room=other HTTP/1.1\r\nHost: {host1}\r\nX-Workshop: second\r\nX-Tag: three\r\n\r\n"));
        var received = "";
        var buffer = new byte[4096];
        while (!(received.Contains("HTTP/1.1 404", StringComparison.Ordinal) && received.EndsWith("\r\n\r\n", StringComparison.Ordinal)))
        {
            var read = await Wait.For(stream.ReadAsync(buffer).AsTask(), "the answers to both requests");
            Assert.NotEqual(0, read);
            received += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        var handshake = (await Wait.For(opened.Task, "the Connection event")).Handshake;

        // Headers: names case-insensitive, a repeated header keeps its values in order, all of them visible.
        Assert.Equal("first", handshake.Headers["x-workshop"]);
        Assert.Equal("first", handshake.Headers["X-WORKSHOP"]);
        Assert.Equal(new[] { "one", "two" }, handshake.Headers["x-tag"].ToArray());
        Assert.Equal(host1, handshake.Headers.Host);
        Assert.True(handshake.Headers.ContainsKey("X-Tag"));
        Assert.False(handshake.Headers.ContainsKey("X-Missing"));
        Assert.Equal(Microsoft.Extensions.Primitives.StringValues.Empty, handshake.Headers["X-Missing"]);
        Assert.Null(handshake.Headers.ContentLength);
        Assert.Equal(["Host", "X-Tag", "X-Workshop"], handshake.Headers.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(3, handshake.Headers.Count);

        // Query: every parameter, a repeated key with both values.
        Assert.Equal("lobby", handshake.Query["room"]);
        Assert.Equal(new[] { "a", "b" }, handshake.Query["tag"].ToArray());
        Assert.Equal("4", handshake.Query["EIO"]);
        Assert.Equal("polling", handshake.Query["transport"]);
        Assert.Equal(4, handshake.Query.Count);
        Assert.True(handshake.Query.TryGetValue("tag", out var tags) && tags.Count == 2);

        // A copy of a request that is over: it cannot be written to.
        Assert.True(handshake.Headers.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => handshake.Headers["X-Workshop"] = "changed");
    }

    [Fact]
    public async Task Server_side_close_sends_a_close_packet_to_the_pending_get_and_closes_a_websocket()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();

        var sid = (await wire.HandshakeAsync()).Sid;
        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open");
        host.Server.Clients.Single(c => c.Id == sid).Close();
        Assert.Equal((HttpStatusCode.OK, "1"), await Wait.For(get, "the pending GET"));
        Assert.Equal(("forced close", null), await host.Probe.ClosedAsync(sid));

        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var wsSid = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(ws)).Text);
        var socket = host.Server.Clients.Single(c => c.Id == wsSid);
        socket.Send("last words");
        socket.Close();
        Assert.Equal("4last words", (await wire.ReceiveAsync(ws)).Text);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOWire.WaitForCloseAsync(ws));
        Assert.Equal(("forced close", null), await host.Probe.ClosedAsync(wsSid));
    }

    [Fact]
    public async Task Closing_a_polling_session_without_a_pending_get_delivers_the_buffer_then_noop_and_close()
    {
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        var socket = host.Server.Clients.Single(c => c.Id == sid);
        socket.Send("bye");
        socket.Close();

        Assert.Equal((HttpStatusCode.OK, "4bye"), await wire.PollAsync(sid));
        Assert.Equal((HttpStatusCode.OK, "6\u001e1"), await wire.PollAsync(sid));
        Assert.Equal(("forced close", null), await host.Probe.ClosedAsync(sid));
    }

    [Fact]
    public async Task Stopping_the_server_closes_every_session_with_server_shutting_down()
    {
        var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open");

        var closed = host.Probe.ClosedAsync(sid);
        await host.DisposeAsync();

        Assert.Equal(("server shutting down", null), await closed);
        Assert.Equal((HttpStatusCode.OK, "1"), await Wait.For(get, "the pending GET"));
    }
}
