using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The conformance host exactly as the suites configure it: the handshake, the server-driven heartbeat (300/200 ms)
/// and the error answers, on the raw wire.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class SpecConfigurationTests(ConformanceFixture host) : IClassFixture<ConformanceFixture>
{
    [Fact]
    public async Task Polling_handshake_has_exactly_the_five_keys_in_order_and_the_polling_headers()
    {
        using var wire = host.Wire();
        var handshake = await wire.HandshakeAsync();
        var response = handshake.Response;

        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));

        var keys = handshake.Json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], keys);
        Assert.Equal($"0{{\"sid\":\"{handshake.Sid}\",\"upgrades\":[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}}",
            handshake.Body);
        // base64id: 15 random bytes → 20 URL-safe base64 characters
        Assert.Matches("^[A-Za-z0-9_-]{20}$", handshake.Sid);
    }

    [Fact]
    public async Task Websocket_handshake_is_the_first_frame_with_no_upgrades_and_the_101_carries_cors()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket", o => o.CollectHttpResponseDetails = true);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, ws.HttpStatusCode);
        Assert.Equal("*", Assert.Single(ws.HttpResponseHeaders!["Access-Control-Allow-Origin"]));
        var open = await wire.ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Text, open.Type);
        Assert.Matches("^0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"upgrades\":\\[\\],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000\\}$", open.Text);
    }

    [Fact]
    public async Task Websocket_heartbeat_pong_keeps_the_session_alive()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(ws);

        // Three full ping/pong rounds (longer than pingInterval + pingTimeout).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", (await wire.ReceiveAsync(ws)).Text);
            await wire.SendTextAsync(ws, "3");
        }
        await wire.SendTextAsync(ws, "4alive");
        Assert.Equal("4alive", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
    }

    [Fact]
    public async Task Polling_client_receives_pings_and_its_pongs_keep_the_session_alive()
    {
        // The suites' heartbeat (300/200 ms) on a clock the test moves: on real time a busy machine could deliver the
        // pong after the 200 ms, and the test would measure the machine. Each pong comes 1 ms before the deadline.
        var clock = new FakeTimeProvider();
        await using var echo = await EchoHost.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingTimeout = TimeSpan.FromMilliseconds(200);
        }, clock);
        using var wire = echo.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(300));                 // the ping is due
            var (status, body) = await wire.PollAsync(sid);
            Assert.Equal((HttpStatusCode.OK, "2"), (status, body));
            clock.Advance(TimeSpan.FromMilliseconds(199));
            Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "3")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "4alive")).StatusCode);
        Assert.Equal("4alive", (await wire.PollUntilAsync(sid, p => p.StartsWith('4'))).Last());
        Assert.Equal(1, echo.Server.ClientsCount);
    }

    [Fact]
    public async Task Without_a_pong_the_session_closes_with_ping_timeout()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;

        // Never answer: after pingInterval + pingTimeout the session is gone.
        Assert.Equal(("ping timeout", null), await host.Probe.ClosedAsync(sid));
        var response = await wire.GetAsync($"EIO=4&transport=polling&sid={sid}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_pong_a_websocket_session_is_closed_with_ping_timeout()
    {
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var sid = WebSocketAndUpgradeTests.SidOf((await wire.ReceiveAsync(ws)).Text);

        Assert.Equal("2", (await wire.ReceiveAsync(ws)).Text); // not answered
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await EngineIOWire.WaitForCloseAsync(ws));
        Assert.Equal(("ping timeout", null), await host.Probe.ClosedAsync(sid));
    }

    [Theory]
    [InlineData("GET", "EIO=4", 400, 0, "Transport unknown")]
    [InlineData("GET", "EIO=4&transport=foo", 400, 0, "Transport unknown")]
    [InlineData("GET", "EIO=4&transport=polling&sid=unknown-sid", 400, 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling&sid=unknown-sid", 400, 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling", 400, 2, "Bad handshake method")]
    [InlineData("PUT", "EIO=4&transport=polling", 400, 2, "Bad handshake method")]
    [InlineData("GET", "EIO=4&transport=websocket", 400, 3, "Bad request")]
    [InlineData("GET", "transport=polling", 400, 5, "Unsupported protocol version")]
    [InlineData("GET", "EIO=3&transport=polling", 400, 5, "Unsupported protocol version")]
    [InlineData("GET", "EIO=abc&transport=polling", 400, 5, "Unsupported protocol version")]
    public async Task Errors_are_answered_with_their_code_and_message_as_json(string method, string query, int status, int code, string message)
    {
        using var wire = host.Wire();
        var response = await wire.SendAsync(new HttpMethod(method), query, method == "GET" ? null : "4x");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal($"{{\"code\":{code},\"message\":\"{message}\"}}", await response.Content.ReadAsStringAsync());
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task A_path_below_the_endpoint_without_a_transport_is_transport_unknown()
    {
        using var wire = new EngineIOWire(host.BaseAddress, "/engine.io/anything");
        var response = await wire.GetAsync("");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("EIO=3&transport=websocket")]
    [InlineData("EIO=4&transport=foo")]
    [InlineData("EIO=4&transport=polling")]
    [InlineData("EIO=4&transport=websocket&sid=unknown-sid")]
    public async Task A_bad_websocket_upgrade_is_refused_with_400(string query)
    {
        using var wire = host.Wire();
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(wire.Url(query)) { Scheme = "ws" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, ws.HttpStatusCode);
    }

    [Fact]
    public async Task Cors_preflight_gets_204_with_methods_and_the_requested_headers_echoed()
    {
        using var wire = host.Wire();
        using var request = new HttpRequestMessage(HttpMethod.Options, wire.Url("EIO=4&transport=polling"));
        request.Headers.Add("Origin", "http://example.test");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-custom");
        using var response = await wire.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("GET,HEAD,PUT,PATCH,POST,DELETE", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Equal("content-type,x-custom", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.Equal("Access-Control-Request-Headers", response.Headers.Vary.Single());
    }
}
