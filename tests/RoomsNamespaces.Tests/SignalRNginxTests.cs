extern alias signalr;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04's SignalR app as two servers behind a real nginx (one address for the clients), and why SignalR needs
/// sticky sessions unless its clients skip negotiation and go straight to WebSocket.
/// </summary>
public sealed partial class SignalRScaleOutTests
{
    [Fact]
    public async Task Behind_nginx_two_WebSocket_clients_land_on_two_servers_and_Redis_joins_them()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var settings = new Dictionary<string, string?> { ["Redis"] = redis.Configuration };
        await using var a = await RunningApp<signalr::Program>.StartAsync(settings);
        await using var b = await RunningApp<signalr::Program>.StartAsync(settings);
        // No stickiness: a client that skips negotiation makes one request (the WebSocket) and stays on its server.
        await using var nginx = await NginxServer.StartNewAsync([a.BaseAddress, b.BaseAddress], NginxStickiness.None);

        // Both connect to nginx's one address; round robin gives alice's WebSocket to A and bob's to B.
        // (A client that negotiates first would need stickiness: its negotiate could reach A and its WebSocket B, which
        // answers 404 for a connection it never made. See the next test.)
        await using var alice = await Member.ConnectAsync(nginx.BaseAddress, "alice", skipNegotiation: true);
        await using var bob = await Member.ConnectAsync(nginx.BaseAddress, "bob", skipNegotiation: true);
        await a.Log.WaitForText("alice connected");
        await b.Log.WaitForText("bob connected");
        await bob.Join("1");

        var transcript = new Transcript();
        transcript.Section("alice and bob both connect to nginx; who connected where (each server's log)");
        transcript.Add($"server A: {string.Join(" | ", a.Log.Lines.Where(l => l.Contains("connected", StringComparison.Ordinal)))}");
        transcript.Add($"server B: {string.Join(" | ", b.Log.Lines.Where(l => l.Contains("connected", StringComparison.Ordinal)))}");

        transcript.Section("alice (A) to group 1, through nginx and Redis to bob (B)");
        await alice.Connection.InvokeAsync("SendToGroup", "1", "hi group 1");
        await bob.Received.WaitForText("hi group 1");
        transcript.Add($"bob got: {bob.Received.Lines.Single(l => l.Contains("hi group 1", StringComparison.Ordinal))}");

        // The WebSocket requests are logged when they end: close both connections first.
        await alice.DisposeAsync();
        await bob.DisposeAsync();
        await nginx.Output.WaitFor(l => l.StartsWith("access: GET /channels", StringComparison.Ordinal), count: 2,
            what: "in nginx's access log for the two WebSockets");
        transcript.Section("nginx's access log: 101 = switched to WebSocket; the server that took it");
        foreach (var line in nginx.AccessLog) transcript.Add(line);

        Snapshot.Match(Ports(transcript.ToString(), a, b), Scrubber.Default());
    }

    [Fact]
    public async Task Negotiate_then_long_polling_needs_a_sticky_load_balancer()
    {
        // Two servers, no Redis: this is only about which server a request reaches.
        await using var a = await RunningApp<signalr::Program>.StartAsync();
        await using var b = await RunningApp<signalr::Program>.StartAsync();
        var upstreams = new[] { a.BaseAddress, b.BaseAddress };
        var transcript = new Transcript();

        // A SignalR client that negotiates: POST /channels/negotiate answers a connection token that only THAT server
        // knows; then long polling (GET /channels?id=token) must reach the same server.
        var requests = 0;

        async Task Client(NginxServer nginx, string who)
        {
            var cookies = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = nginx.BaseAddress };
            var negotiate = await http.PostAsync("/channels/negotiate?negotiateVersion=1", null);
            requests++;
            negotiate.EnsureSuccessStatusCode();
            var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString()!;
            var cookie = cookies.GetCookies(nginx.BaseAddress)[NginxServer.CookieName]?.Value;
            // The first poll of a new connection is answered at once (200); on the other server the token is unknown (404).
            var poll = await http.GetAsync($"/channels?id={Uri.EscapeDataString(token)}");
            requests++;
            transcript.Add($"{who}: negotiate {(int)negotiate.StatusCode}{(cookie is null ? "" : $", cookie {NginxServer.CookieName}={cookie}")}; " +
                           $"first poll {(int)poll.StatusCode} {poll.StatusCode}");
            if (poll.IsSuccessStatusCode)
            {
                (await http.DeleteAsync($"/channels?id={Uri.EscapeDataString(token)}")).EnsureSuccessStatusCode();
                requests++;
            }
        }

        async Task Mode(NginxStickiness stickiness, string title, params string[] clients)
        {
            await using var nginx = await NginxServer.StartNewAsync(upstreams, stickiness);
            transcript.Section(title);
            requests = 0;
            foreach (var who in clients) await Client(nginx, who);
            // nginx logs a request just after answering it: wait for every line.
            await nginx.Output.WaitFor(l => l.StartsWith("access: ", StringComparison.Ordinal), count: requests,
                what: "in nginx's access log");
            foreach (var line in nginx.AccessLog) transcript.Add("  " + line);
        }

        await Mode(NginxStickiness.None, "round robin, no stickiness: negotiate on one server, the poll on the other", "alice");
        await Mode(NginxStickiness.Cookie, "sticky by nginx's cookie: each client's requests stay on its server, and two clients use both", "alice", "bob");
        await Mode(NginxStickiness.ClientAddress, "ip_hash: sticky, but both clients come from 127.0.0.1, so ONE server gets them all", "alice", "bob");

        Snapshot.Match(Ports(transcript.ToString(), a, b), Scrubber.Default());
    }

    /// <summary>
    /// 04-rooms-namespaces/nginx.conf, for running two servers by hand (SIGNALR.md), is the configuration these tests
    /// run with: the two servers on 3001 and 3002, nginx on 8080, sticky by nginx's cookie (the browser client negotiates
    /// before it opens its WebSocket, so it needs stickiness).
    /// </summary>
    [Fact]
    public void The_committed_nginx_conf_is_the_one_the_tests_run()
    {
        var expected = NginxServer.SiteConfig("8080", ["127.0.0.1:3001", "127.0.0.1:3002"], NginxStickiness.Cookie);
        var path = Path.Combine(RepositoryRoot(), "04-rooms-namespaces", "nginx.conf");
        if (Environment.GetEnvironmentVariable("ACCEPT_SNAPSHOTS") == "1") File.WriteAllText(path, expected);
        Assert.Equal(expected, File.ReadAllText(path));
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
