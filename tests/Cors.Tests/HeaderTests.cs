extern alias api;

using System.Text.Json;
using System.Text.RegularExpressions;
using Realtime.Testing;

namespace Cors.Tests;

/// <summary>
/// The headers, request by request, for each <c>Cors:Mode</c>: what the page at <c>http://localhost:3000</c> sends to
/// the API (its fetch calls, the preflights, the Socket.IO polling handshake, a WebSocket) and what comes back, with
/// the browser's verdict on each. One snapshot per mode: <c>HeaderTests.Each_mode_*.verified.txt</c>.
/// </summary>
public sealed class HeaderTests
{
    private const string Page = "http://localhost:3000";          // the allowed origin (Cors:Origins' default)
    private const string OtherPort = "http://localhost:3001";     // same host, another port: another origin

    public static TheoryData<string, string, string> Modes => new()
    {
        // mode, what the page (allowed origin) gets, what another origin gets
        { "none", "posts ✘ · echo ✘ · login ✘ · me ✘ · polling ✘ · websocket ✔",
                  "posts ✘ · echo ✘ · login ✘ · me ✘ · polling ✘ · websocket ✔" },
        { "http", "posts ✔ · echo ✔ · login ✔ · me ✔ · polling ✘ · websocket ✔",
                  "posts ✘ · echo ✘ · login ✘ · me ✘ · polling ✘ · websocket ✔" },
        { "both", "posts ✔ · echo ✔ · login ✔ · me ✔ · polling ✔ · websocket ✔",
                  "posts ✘ · echo ✘ · login ✘ · me ✘ · polling ✘ · websocket ✘" },
        { "star-credentials",
                  "posts ✔ · echo ✔ · login ✘ · me ✘ · polling ✘ · websocket ✔",
                  "posts ✔ · echo ✔ · login ✘ · me ✘ · polling ✘ · websocket ✔" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Each_mode(string mode, string forThePage, string forAnotherOrigin)
    {
        await using var app = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?>
        {
            ["Cors:Mode"] = mode,
            ["Cors:Origins"] = Page,
        });
        var wire = new Transcript();
        using var probe = new CorsProbe(app.BaseAddress, wire);

        wire.Add($"# Cors:Mode={mode}, Cors:Origins={Page}");
        wire.Add("# ✔ = the page may read the answer (or the socket is open), ✘ = the browser blocks it / the server refuses it");
        Assert.Equal(forThePage, await RunAsAsync(probe, wire, Page, "the page's origin, listed in Cors:Origins"));
        Assert.Equal(forAnotherOrigin, await RunAsAsync(probe, wire, OtherPort, "another port, so another origin, not in Cors:Origins"));

        Snapshot.Match(wire.ToString(), SidScrubber(), name: mode);
    }

    [Fact]
    public async Task An_origin_is_scheme_host_and_port_all_three_must_match()
    {
        await using var app = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?>
        {
            ["Cors:Mode"] = "both",
            ["Cors:Origins"] = Page,
        });
        var wire = new Transcript();
        using var probe = new CorsProbe(app.BaseAddress, wire);

        wire.Add($"# Cors:Mode=both, Cors:Origins={Page}: one GET /api/posts and one WebSocket from near-miss origins");
        (string Origin, string Note)[] origins =
        [
            (Page, "the allowed origin itself"),
            ("https://localhost:3000", "another scheme"),
            ("http://127.0.0.1:3000", "another host, although it is the same machine"),
            ("http://localhost:3001", "another port"),
            ("http://localhost", "no port means port 80: another port"),
        ];
        foreach (var (origin, note) in origins)
        {
            wire.Section($"Origin: {origin}   ({note})");
            var (posts, _) = await probe.SimpleAsync(HttpMethod.Get, "/api/posts", origin, credentials: false);
            var socket = await probe.WebSocketAsync("/socket.io/?EIO=4&transport=websocket", origin);
            Assert.Equal(origin == Page, posts.Allowed);
            Assert.Equal(origin == Page, socket.Allowed);
        }
        Snapshot.Match(wire.ToString(), SidScrubber());
    }

    [Fact]
    public async Task A_client_without_Origin_is_not_a_browser_page_and_the_Origin_check_lets_it_through()
    {
        // Console clients, curl, another server: no Origin header, no one else's cookies. CORS and the check are about pages.
        await using var app = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?> { ["Cors:Mode"] = "both" });
        using var http = app.CreateClient();
        using var polling = await http.GetAsync("/socket.io/?EIO=4&transport=polling");
        Assert.Equal(System.Net.HttpStatusCode.OK, polling.StatusCode);
        Assert.StartsWith("0{\"sid\":", await polling.Content.ReadAsStringAsync());

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        await socket.ConnectAsync(new Uri($"ws://{app.BaseAddress.Authority}/socket.io/?EIO=4&transport=websocket"), timeout.Token);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
        await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        Assert.Equal(0, app.Log.Count(line => line.Contains("refused", StringComparison.Ordinal)));
    }

    /// <summary>What the page does, in its order, from one origin; returns the one-line summary of the verdicts.</summary>
    private static async Task<string> RunAsAsync(CorsProbe probe, Transcript wire, string origin, string about)
    {
        wire.Add("");
        wire.Add($"# Origin: {origin}  ({about})");

        wire.Section("fetch(api + \"/api/posts\"): a simple GET, no preflight");
        var (posts, _) = await probe.SimpleAsync(HttpMethod.Get, "/api/posts", origin, credentials: false);

        wire.Section("fetch(api + \"/api/echo\", { method: \"POST\", headers: { \"Content-Type\": \"application/json\" } }): preflight first");
        var echo = await probe.PreflightAsync("/api/echo", "POST", "content-type", origin, credentials: false);
        if (echo.Allowed)
        {
            (echo, _) = await probe.SimpleAsync(HttpMethod.Post, "/api/echo", origin, credentials: false, """{"text":"hello"}""", "application/json");
        }

        wire.Section("fetch(api + \"/api/login\", { method: \"POST\", JSON, credentials: \"include\" }): preflight, then Set-Cookie");
        var login = await probe.PreflightAsync("/api/login", "POST", "content-type", origin, credentials: true);
        if (login.Allowed)
        {
            (login, _) = await probe.SimpleAsync(HttpMethod.Post, "/api/login", origin, credentials: true, """{"name":"guest"}""", "application/json");
        }

        wire.Section("fetch(api + \"/api/me\", { credentials: \"include\" }): a simple GET that sends the cookie");
        var (me, _) = await probe.SimpleAsync(HttpMethod.Get, "/api/me", origin, credentials: true);

        wire.Section("io(api, { withCredentials: true }): the polling handshake (GET), then CONNECT (POST \"40\"), no preflight");
        var (polling, body) = await probe.SimpleAsync(HttpMethod.Get, "/socket.io/?EIO=4&transport=polling", origin, credentials: true);
        if (body.StartsWith("0{", StringComparison.Ordinal))
        {
            var sid = JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString();
            if (!polling.Allowed)
            {
                wire.Add($"    (the server opened session sid={sid} all the same: CORS only hides the answer from the page)");
            }
            var (connect, _) = await probe.SimpleAsync(HttpMethod.Post, $"/socket.io/?EIO=4&transport=polling&sid={sid}", origin, credentials: true, "40");
            polling = polling.Allowed ? connect : polling;
        }

        wire.Section("io(api, { transports: [\"websocket\"] }): a WebSocket straight away (the browser sends Origin and cookies, checks nothing)");
        var websocket = await probe.WebSocketAsync("/socket.io/?EIO=4&transport=websocket", origin);

        var summary = string.Join(" · ",
            Mark("posts", posts), Mark("echo", echo), Mark("login", login), Mark("me", me), Mark("polling", polling), Mark("websocket", websocket));
        wire.Section("summary: " + summary);
        return summary;
    }

    private static string Mark(string name, Verdict verdict) => $"{name} {(verdict.Allowed ? "✔" : "✘")}";

    private static Scrubber SidScrubber() => new Scrubber()
        .AddPattern(new Regex("\"sid\":\"(?<value>[^\"]+)\""), "sid")
        .AddPattern(new Regex("sid=(?<value>[A-Za-z0-9_-]+)"), "sid");
}
