using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace BuyAlerts.Tests;

/// <summary>
/// README "More than one server": redis-server, two shops and nginx (the committed configuration). The buyer's
/// browser is served by instance a, the watcher's by instance b, and the purchase on a pops up on b — once with the
/// browser client's default (long-polling, then an upgrade to WebSocket: needs the sticky cookie) and once with
/// WebSocket only.
/// </summary>
public sealed class ClusterInTheBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ShopCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ShopCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string Url(string path) => new Uri(_cluster.BaseAddress, path).ToString();

    [Fact]
    public async Task Polling_then_upgrade_a_purchase_on_instance_a_pops_up_on_instance_b() =>
        await BuyOnAAndWatchOnBAsync(webSocketOnly: false);

    [Fact]
    public async Task WebSocket_only_a_purchase_on_instance_a_pops_up_on_instance_b() =>
        await BuyOnAAndWatchOnBAsync(webSocketOnly: true);

    private async Task BuyOnAAndWatchOnBAsync(bool webSocketOnly)
    {
        // Both sign up on instance a; a token a signed is good on b (one JWT secret), and b finds them (one database).
        var buyerMember = await _cluster.A.NewMemberAsync("민수");
        var watcherMember = await _cluster.A.NewMemberAsync("지수");
        var onB = ShopServer.WithBearer(_cluster.B.CreateClient(), buyerMember.Token);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/users/me")).StatusCode);

        var (buyer, buyerSeen) = await PersonOnAsync("민수", "a", webSocketOnly);
        var (watcher, watcherSeen) = await PersonOnAsync("지수", "b", webSocketOnly);
        await using var _1 = buyer;
        await using var _2 = watcher;
        await SignInAsync(buyer.Page, buyerMember);
        await SignInAsync(watcher.Page, watcherMember);

        // Both look at the hamburger; the count adds the viewers of both instances.
        await watcher.Page.GotoAsync(Url("/detail.html?goodsId=4"));
        await buyer.Page.GotoAsync(Url("/detail.html?goodsId=4"));
        await Expect(watcher.Page.Locator("#viewers")).ToHaveTextAsync("총 2명이 이 상품을 구경하고 있습니다!");
        await Expect(buyer.Page.Locator("#viewers")).ToHaveTextAsync("총 2명이 이 상품을 구경하고 있습니다!");

        // 민수 buys it now; 지수 is alone on the page again, then sees the alert.
        await buyer.Page.ClickAsync("#buy-now");
        await Expect(buyer.Page).ToHaveURLAsync(new Regex(@"/order\.html\?goodsId=4&quantity=1$"));
        await Expect(watcher.Page.Locator("#viewers")).ToHaveTextAsync("총 1명이 이 상품을 구경하고 있습니다!");
        await SocketOnWebSocketAsync(buyer.Page);
        await SocketOnWebSocketAsync(watcher.Page);
        await buyer.Page.ClickAsync("#pay");
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("결제가 완료되었습니다!");
        await Expect(watcher.Page.Locator("#buy-alerts .buy-alert-text")).ToHaveTextAsync("민수님이 방금 햄버거을 구매했어요!");
        await Expect(buyer.Page.Locator("#buy-alerts .buy-alert-text")).ToHaveTextAsync("민수님이 방금 햄버거을 구매했어요!");

        // Where everything went. The buy was handled on a (its log), and each page's socket lives on its own instance.
        Assert.Equal(1, _cluster.A.Log.Count(l => l.Contains("구매한 정보입니다. 민수 4 햄버거", StringComparison.Ordinal)));
        Assert.Equal(0, _cluster.B.Log.Count(l => l.Contains("구매한 정보입니다.", StringComparison.Ordinal)));
        var buyerSocket = await SocketIdAsync(buyer.Page);
        var watcherSocket = await SocketIdAsync(watcher.Page);
        Assert.True(ShopCluster.HasLocalSocket(_cluster.A, buyerSocket) && !ShopCluster.HasLocalSocket(_cluster.B, buyerSocket),
            $"the buyer's socket {buyerSocket} should be on instance a only");
        Assert.True(ShopCluster.HasLocalSocket(_cluster.B, watcherSocket) && !ShopCluster.HasLocalSocket(_cluster.A, watcherSocket),
            $"the watcher's socket {watcherSocket} should be on instance b only");

        // Every HTTP answer each browser got (pages, scripts, API, long-polling) came from its own instance.
        AllFrom(buyerSeen, "a");
        AllFrom(watcherSeen, "b");
        var polling = buyerSeen.Concat(watcherSeen).Where(r => r.Url.Contains("transport=polling", StringComparison.Ordinal)).ToArray();
        if (webSocketOnly)
        {
            Assert.Empty(polling); // nothing to keep together: one request, one connection
        }
        else
        {
            // Handshakes and the requests that follow them, each on the instance that holds the session.
            Assert.Contains(buyerSeen, r => r.Url.Contains("transport=polling", StringComparison.Ordinal) && r.Url.Contains("sid=", StringComparison.Ordinal));
            Assert.Contains(watcherSeen, r => r.Url.Contains("transport=polling", StringComparison.Ordinal) && r.Url.Contains("sid=", StringComparison.Ordinal));
            Assert.All(polling, r => Assert.Equal(200, r.Status)); // never 400 "Session ID unknown"
        }
        Assert.Empty(_cluster.Problems);
        Assert.Equal(0, buyer.Console.Count(l => l.StartsWith("[pageerror]", StringComparison.Ordinal)));
        Assert.Equal(0, watcher.Console.Count(l => l.StartsWith("[pageerror]", StringComparison.Ordinal)));
    }

    /// <summary>An answer a page received: its address, its status, and the instance nginx named (<c>X-Shop-Node</c>).</summary>
    private sealed record Seen(string Url, int Status, string? Node);

    /// <summary>
    /// A person whose browser nginx sends to <paramref name="node"/>. nginx gives a first visit to either instance
    /// (round robin) and its cookie <c>shop_node</c> keeps the visitor there; the test hands the cookie over before
    /// the first visit, as if that first visit had landed on <paramref name="node"/>, so the two browsers are
    /// certainly on different instances.
    /// </summary>
    private async Task<(Person Person, List<Seen> Seen)> PersonOnAsync(string name, string node, bool webSocketOnly)
    {
        var person = await browser.NewPersonAsync(name);
        await person.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "shop_node", Value = node, Url = _cluster.BaseAddress.ToString() }]);
        if (webSocketOnly)
        {
            // What README tells an attendee to type in the console: the page's io() then skips long-polling.
            await person.Context.AddInitScriptAsync("localStorage.setItem('socket.io transports', 'websocket');");
        }
        var seen = new List<Seen>();
        person.Page.Response += (_, response) =>
        {
            lock (seen)
            {
                seen.Add(new Seen(response.Url, response.Status, response.Headers.GetValueOrDefault("x-shop-node")));
            }
        };
        return (person, seen);
    }

    private async Task SignInAsync(IPage page, Member member)
    {
        await page.GotoAsync(Url("/"));
        await page.FillAsync("#email", member.Email);
        await page.FillAsync("#password", member.Password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/goods\\.html$"));
    }

    /// <summary>The page's socket is connected over a WebSocket (after the upgrade, or from the start).</summary>
    private static Task SocketOnWebSocketAsync(IPage page) =>
        page.WaitForFunctionAsync("() => window.shopSocket?.connected && window.shopSocket.io.engine.transport.name === 'websocket'");

    private static Task<string> SocketIdAsync(IPage page) => page.EvaluateAsync<string>("() => window.shopSocket.id");

    private static void AllFrom(List<Seen> seen, string node)
    {
        Seen[] answers;
        lock (seen)
        {
            answers = [.. seen];
        }
        Assert.NotEmpty(answers);
        Assert.All(answers, r => Assert.True(r.Node == node, $"{r.Url} was answered by {r.Node ?? "(no X-Shop-Node)"}, not {node}"));
    }
}
