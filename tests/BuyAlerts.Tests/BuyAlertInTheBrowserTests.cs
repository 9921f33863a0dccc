using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace BuyAlerts.Tests;

/// <summary>
/// Two people in two browsers: one buys on the order page ("$X 결제" emits BUY), the other sees the alert at the
/// bottom left. Nicknames are shown as text, so a nickname made of HTML stays harmless.
/// </summary>
public sealed class BuyAlertInTheBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string HtmlNickname = "<img src=x onerror=alert(1)>";
    private ShopServer _shop = null!;

    public async Task InitializeAsync() => _shop = await ShopServer.StartAsync();

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    private string Url(string path) => new Uri(_shop.BaseAddress, path).ToString();

    /// <summary>A person signed in through the sign-in page, with every dialog (alert, confirm) recorded and dismissed.</summary>
    private async Task<(Person Person, List<string> Dialogs)> SignedInAsync(Member member)
    {
        var person = await browser.NewPersonAsync(member.Nickname);
        var dialogs = new List<string>();
        person.Page.Dialog += (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Message);
            }
            _ = dialog.DismissAsync();
        };
        await ShoppingInTheBrowserTests.SignInAsync(person.Page, member);
        return (person, dialogs);
    }

    /// <summary>The page's socket is connected (alerts sent before that moment would not reach it).</summary>
    private static Task SocketConnectedAsync(IPage page) =>
        page.WaitForFunctionAsync("() => window.shopSocket !== undefined && window.shopSocket.connected");

    [Fact]
    public async Task One_buys_now_and_the_other_sees_the_alert_with_the_nickname_as_text()
    {
        var (buyer, buyerDialogs) = await SignedInAsync(await _shop.NewMemberAsync(HtmlNickname));
        var (watcher, watcherDialogs) = await SignedInAsync(await _shop.NewMemberAsync("지수"));
        await using var _1 = buyer;
        await using var _2 = watcher;
        await SocketConnectedAsync(watcher.Page); // 지수 stays on the goods list

        // The buyer: hamburger, two of them, buy now, pay.
        await buyer.Page.GotoAsync(Url("/detail.html?goodsId=4"));
        await buyer.Page.SelectOptionAsync("#quantity", "2");
        await buyer.Page.ClickAsync("#buy-now");
        await Expect(buyer.Page).ToHaveURLAsync(new Regex(@"/order\.html\?goodsId=4&quantity=2$"));
        await Expect(buyer.Page.Locator("#summary")).ToHaveTextAsync("햄버거");
        await Expect(buyer.Page.Locator("#pay")).ToHaveTextAsync("$16 결제");
        await SocketConnectedAsync(buyer.Page);
        await buyer.Page.ClickAsync("#pay");
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("결제가 완료되었습니다!");

        // 지수 sees who bought what, with a link to the goods, the date and a close button.
        var alert = watcher.Page.Locator("#buy-alerts .buy-alert");
        await Expect(alert).ToHaveCountAsync(1);
        await Expect(alert.Locator(".buy-alert-text")).ToHaveTextAsync($"{HtmlNickname}님이 방금 햄버거을 구매했어요!");
        Assert.Equal(HtmlNickname, await alert.Locator(".nickname").TextContentAsync());
        await Expect(alert.Locator("a.goods")).ToHaveAttributeAsync("href", "/detail.html?goodsId=4");
        await Expect(alert.Locator("time")).ToHaveAttributeAsync("datetime", new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"));
        Assert.False(string.IsNullOrWhiteSpace(await alert.Locator("time").TextContentAsync()));
        // The nickname stayed text: no element was made of it, no script ran.
        await Expect(watcher.Page.Locator("#buy-alerts img")).ToHaveCountAsync(0);
        Assert.Equal(0, await watcher.Page.Locator("body img[src='x']").CountAsync());

        // The buyer is told too (io.emit reaches everyone), also as text.
        await Expect(buyer.Page.Locator("#buy-alerts .buy-alert-text")).ToHaveTextAsync($"{HtmlNickname}님이 방금 햄버거을 구매했어요!");
        await Expect(buyer.Page.Locator("#buy-alerts img")).ToHaveCountAsync(0);

        // The close button removes the alert; the buyer's link leads to the goods.
        await alert.Locator(".close").ClickAsync();
        await Expect(alert).ToHaveCountAsync(0);
        await buyer.Page.Locator("#buy-alerts a.goods").ClickAsync();
        await Expect(buyer.Page).ToHaveURLAsync(new Regex(@"/detail\.html\?goodsId=4$"));
        await Expect(buyer.Page.Locator("#name")).ToHaveTextAsync("햄버거");

        Assert.Empty(buyerDialogs);
        Assert.Empty(watcherDialogs);
        Assert.Equal(0, buyer.Console.Count(l => l.StartsWith("[pageerror]", StringComparison.Ordinal)));
        Assert.Equal(0, watcher.Console.Count(l => l.StartsWith("[pageerror]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_order_of_the_cart_reads_name_and_count_and_empties_the_cart()
    {
        var (buyer, _) = await SignedInAsync(await _shop.NewMemberAsync("민수"));
        var (watcher, _) = await SignedInAsync(await _shop.NewMemberAsync("지수"));
        await using var _1 = buyer;
        await using var _2 = watcher;

        // Both look at the latte: each is told two people are looking.
        await watcher.Page.GotoAsync(Url("/detail.html?goodsId=2"));
        await buyer.Page.GotoAsync(Url("/detail.html?goodsId=2"));
        await Expect(watcher.Page.Locator("#viewers")).ToHaveTextAsync("총 2명이 이 상품을 구경하고 있습니다!");
        await Expect(buyer.Page.Locator("#viewers")).ToHaveTextAsync("총 2명이 이 상품을 구경하고 있습니다!");

        // 민수 puts a latte and a pizza into the cart and orders the cart.
        await buyer.Page.ClickAsync("#add-to-cart");
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("장바구니에 카페라떼 1개를 담았습니다.");
        await buyer.Page.GotoAsync(Url("/detail.html?goodsId=5"));
        await Expect(buyer.Page.Locator("#name")).ToHaveTextAsync("피자");
        await buyer.Page.ClickAsync("#add-to-cart");
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("장바구니에 피자 1개를 담았습니다.");
        // 민수 left the latte page: 지수 is alone there now.
        await Expect(watcher.Page.Locator("#viewers")).ToHaveTextAsync("총 1명이 이 상품을 구경하고 있습니다!");

        await buyer.Page.GotoAsync(Url("/cart.html"));
        await buyer.Page.ClickAsync("#order");
        await Expect(buyer.Page.Locator("#summary")).ToHaveTextAsync("카페라떼 외 1개의 상품");
        await Expect(buyer.Page.Locator("#pay")).ToHaveTextAsync("$17 결제");
        await SocketConnectedAsync(buyer.Page);
        await buyer.Page.ClickAsync("#pay");
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("결제가 완료되었습니다!");

        var alert = watcher.Page.Locator("#buy-alerts .buy-alert");
        await Expect(alert.Locator(".buy-alert-text")).ToHaveTextAsync("민수님이 방금 카페라떼 외 1개의 상품을 구매했어요!");
        await Expect(alert.Locator("a.goods")).ToHaveAttributeAsync("href", "/detail.html?goodsId=2");

        // The cart is empty after the order.
        await buyer.Page.GotoAsync(Url("/cart.html"));
        await Expect(buyer.Page.Locator("#message")).ToHaveTextAsync("장바구니가 비어 있습니다.");
        await Expect(buyer.Page.Locator("#cart li")).ToHaveCountAsync(0);
    }
}
