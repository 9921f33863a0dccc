extern alias api;
extern alias web;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Realtime.Testing;

namespace Cors.Tests;

/// <summary>
/// The page in a real Chromium, served by Cors.Web from one port and calling Cors.Api on another: what the browser
/// really lets through in each <c>Cors:Mode</c>, from the allowed origin and from a third origin (the same page served
/// from a third port). The expected summaries are the header tests' ones: the browser agrees with the transcript.
/// </summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string FailedToFetch = "TypeError: Failed to fetch";

    [Theory]
    [MemberData(nameof(HeaderTests.Modes), MemberType = typeof(HeaderTests))]
    public async Task The_browser_blocks_and_allows_what_each_mode_says(string mode, string forThePage, string forAnotherOrigin)
    {
        await using var site = await Site.StartAsync(mode);
        await using var person = await browser.NewPersonAsync("visitor");

        var page = await OpenAsync(person.Page, site.Page, site);
        Assert.Equal(forThePage, page.Summary);

        // The same browser (same cookies), now on a page from a third origin that the API does not list.
        var third = await OpenAsync(person.Page, site.Third, site);
        Assert.Equal(forAnotherOrigin, third.Summary);

        // What the page is told when the browser blocks: nothing but a generic error.
        foreach (var check in new[] { page, third })
        {
            foreach (var name in new[] { "posts", "echo", "login", "me" })
            {
                if (check.State(name) == "blocked") Assert.Equal(FailedToFetch, check.Text(name));
            }
            if (check.State("polling") == "blocked") Assert.Equal("connect_error: xhr poll error", check.Text("polling"));
            if (check.State("websocket") == "blocked") Assert.Equal("connect_error: websocket error", check.Text("websocket"));
        }
    }

    [Fact]
    public async Task Both_the_page_reads_everything_and_its_cookie_reaches_the_socket_handshake()
    {
        await using var site = await Site.StartAsync("both");
        await using var person = await browser.NewPersonAsync("visitor");
        await OpenAsync(person.Page, site.Page, site);                       // the first run, as "guest"
        await person.Page.FillAsync("#name", "상민");
        await person.Page.ClickAsync("#again");
        var checks = await ReadChecksAsync(person.Page);

        Assert.StartsWith("HTTP 200 {\"posts\":[{\"id\":1,\"title\":\"First post\"", checks.Text("posts"));
        Assert.Equal("HTTP 200 {\"echo\":\"hello\"}", checks.Text("echo"));
        Assert.Equal("HTTP 200 {\"name\":\"상민\"}", checks.Text("login"));
        Assert.Equal("HTTP 200 {\"name\":\"상민\"}", checks.Text("me"));          // the cookie came back
        var origin = site.Page.TrimEnd('/');
        Assert.Equal($"welcome {{\"message\":\"Client connected\",\"transport\":\"polling\",\"origin\":\"{origin}\",\"visitor\":\"상민\"}}",
            checks.Text("polling"));
        Assert.Equal($"welcome {{\"message\":\"Client connected\",\"transport\":\"websocket\",\"origin\":\"{origin}\",\"visitor\":\"상민\"}}",
            checks.Text("websocket"));
        await site.Api.Log.WaitForText($"Client connected (polling, origin {origin}, visitor 상민)");
        await site.Api.Log.WaitForText($"Client connected (websocket, origin {origin}, visitor 상민)");
        Assert.DoesNotContain(person.Console.Lines, line => line.StartsWith("[error]") || line.StartsWith("[pageerror]"));
    }

    [Fact]
    public async Task Without_an_Origin_check_a_third_origin_opens_a_WebSocket_with_the_visitors_cookie()
    {
        // Cross-site WebSocket hijacking: in "http" mode the visitor's cookie is set by the real page, then a page from
        // another origin opens a WebSocket to the API. CORS does not apply, so the browser lets it through, cookie and all.
        await using var site = await Site.StartAsync("http");
        await using var person = await browser.NewPersonAsync("visitor");
        var page = await OpenAsync(person.Page, site.Page, site);
        Assert.Equal("ok", page.State("login"));

        var third = await OpenAsync(person.Page, site.Third, site);
        Assert.Equal(FailedToFetch, third.Text("me"));                      // fetch: CORS protects the answer
        Assert.Equal("ok", third.State("websocket"));                         // WebSocket: nothing protects it
        Assert.Contains($"\"origin\":\"{site.Third.TrimEnd('/')}\",\"visitor\":\"guest\"", third.Text("websocket"));
    }

    [Fact]
    public async Task With_the_Origin_check_the_third_origins_WebSocket_is_refused_and_logged()
    {
        await using var site = await Site.StartAsync("both");
        await using var person = await browser.NewPersonAsync("visitor");
        var page = await OpenAsync(person.Page, site.Page, site);
        Assert.Equal("ok", page.State("websocket"));

        var third = await OpenAsync(person.Page, site.Third, site);
        Assert.Equal("connect_error: websocket error", third.Text("websocket"));
        var thirdOrigin = site.Third.TrimEnd('/');
        await site.Api.Log.WaitForText($"WebSocket from {thirdOrigin} refused: that origin is not in the cors origins");   // the library's own check
        await site.Api.Log.WaitForText($"Origin {thirdOrigin} refused (polling)");
        Assert.Equal(0, site.Api.Log.Count(line => line.Contains($"origin {thirdOrigin}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_console_shows_why_the_browser_blocked_each_request()
    {
        // The page only gets "Failed to fetch"; the reason is in the console, for the developer. Recorded for two modes.
        foreach (var mode in new[] { "none", "star-credentials" })
        {
            await using var site = await Site.StartAsync(mode);
            await using var person = await browser.NewPersonAsync("visitor");
            await OpenAsync(person.Page, site.Page, site);

            var scrubber = Scrubber.Default()     // t= is the client's cache buster, new on every request
                .AddPattern(new System.Text.RegularExpressions.Regex("[?&]t=(?<value>[A-Za-z0-9_.-]+)"), "t", numbered: false);
            scrubber.Id(site.Page.TrimEnd('/'), "page");
            scrubber.Id(site.Api.BaseAddress.ToString().TrimEnd('/'), "api");
            var lines = person.Console.Lines.Where(line => line.StartsWith("[error]", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(lines);
            Snapshot.Match(string.Join('\n', lines.Prepend($"## Cors:Mode={mode}: the browser's console errors")), scrubber, name: mode);
        }
    }

    [Fact]
    public async Task A_link_naming_another_api_cannot_make_the_page_run_that_servers_script()
    {
        await using var site = await Site.StartAsync("both");
        // The attacker's server, on another origin: a "Socket.IO client" that would run in the page's origin, the
        // one the API trusts with the visitor's cookies.
        var attackerLog = new Transcript();
        var requests = new Transcript();
        await using var attacker = LocalKestrel.CreateBuilder(attackerLog).Build();
        attacker.Use(async (context, next) =>
        {
            requests.Add($"{context.Request.Method} {context.Request.Path}");
            await next(context);
        });
        attacker.MapGet("/socket.io/socket.io.js", () =>
            Results.Text("console.log('foreign script ran in ' + location.origin);", "text/javascript"));
        var attackerAddress = await LocalKestrel.StartAsync(attacker);
        await using var person = await browser.NewPersonAsync("visitor");

        await person.Page.GotoAsync(site.Page + "?api=" + attackerAddress);
        var checks = await ReadChecksAsync(person.Page);

        await Assertions.Expect(person.Page.Locator("#api-refused"))
            .ToContainTextAsync($"?api={attackerAddress} is not one of the configured API origins");
        Assert.Empty(requests.Lines);                                      // nothing was even asked of the attacker
        Assert.DoesNotContain(person.Console.Lines, line => line.Contains("foreign script ran", StringComparison.Ordinal));
        // The page went on with its configured API.
        Assert.Equal("posts ✔ · echo ✔ · login ✔ · me ✔ · polling ✔ · websocket ✔", checks.Summary);
        await Assertions.Expect(person.Page.Locator("#api-origin")).ToHaveTextAsync(site.Api.BaseAddress.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>Opens the page with the API's address in the query string and waits until every check has answered.</summary>
    private static async Task<Checks> OpenAsync(IPage page, string pageAddress, Site site)
    {
        await page.GotoAsync(pageAddress + "?api=" + site.Api.BaseAddress);
        return await ReadChecksAsync(page);
    }

    private static async Task<Checks> ReadChecksAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("[data-check][data-state=pending]")).ToHaveCountAsync(0);
        var rows = await page.Locator("[data-check]").EvaluateAllAsync<string[][]>(
            "items => items.map(i => [i.dataset.check, i.dataset.state, i.querySelector('output').textContent])");
        return new Checks(rows.ToDictionary(r => r[0], r => (State: r[1], Text: r[2])));
    }

    /// <summary>What the page reported, row by row.</summary>
    private sealed record Checks(Dictionary<string, (string State, string Text)> Rows)
    {
        public string State(string check) => Rows[check].State;

        public string Text(string check) => Rows[check].Text;

        /// <summary>The header tests' summary format: <c>posts ✔ · echo ✘ · …</c>.</summary>
        public string Summary => string.Join(" · ", Rows.Select(r => $"{r.Key} {(r.Value.State == "ok" ? "✔" : "✘")}"));
    }

    /// <summary>The API, the page's app (the allowed origin) and a second copy of the page's app (a third origin).</summary>
    private sealed class Site : IAsyncDisposable
    {
        public required RunningApp<api::Program> Api { get; init; }
        public required RunningApp<web::Program> PageApp { get; init; }
        public required RunningApp<web::Program> ThirdApp { get; init; }

        public string Page => PageApp.BaseAddress + "/";
        public string Third => ThirdApp.BaseAddress + "/";

        public static async Task<Site> StartAsync(string mode)
        {
            var pageApp = await RunningApp<web::Program>.StartAsync();
            var thirdApp = await RunningApp<web::Program>.StartAsync();
            // Only the page's real origin, http://127.0.0.1:<its port>, is allowed: the third app differs by port only.
            var api = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?>
            {
                ["Cors:Mode"] = mode,
                ["Cors:Origins"] = pageApp.BaseAddress.GetLeftPart(UriPartial.Authority),
            });
            // Both copies of the page are told the API's origin (Cors:Api), the only one their ?api= may name. The
            // ports are only known once the apps run, so it is set now; Cors.Web reads it on each request.
            foreach (var web in new[] { pageApp, thirdApp })
            {
                web.Services.GetRequiredService<IConfiguration>()["Cors:Api"] = api.BaseAddress.GetLeftPart(UriPartial.Authority);
            }
            return new Site { Api = api, PageApp = pageApp, ThirdApp = thirdApp };
        }

        public async ValueTask DisposeAsync()
        {
            await Api.DisposeAsync();
            await PageApp.DisposeAsync();
            await ThirdApp.DisposeAsync();
        }
    }
}
