using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace BuyAlerts.Tests;

/// <summary>The pages used as a person would: register, sign in, browse by category, fill the cart, sign out.</summary>
public sealed class ShoppingInTheBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ShopServer _shop = null!;

    public async Task InitializeAsync() => _shop = await ShopServer.StartAsync();

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    private string Url(string path) => new Uri(_shop.BaseAddress, path).ToString();

    [Fact]
    public async Task Register_sign_in_browse_fill_the_cart_and_sign_out()
    {
        await using var person = await browser.NewPersonAsync("지민");
        var page = person.Page;

        // Register, first with a confirmation that does not match.
        await page.GotoAsync(Url("/register.html"));
        await page.FillAsync("#email", "jimin@example.com");
        await page.FillAsync("#nickname", "지민");
        await page.FillAsync("#password", "1234");
        await page.FillAsync("#confirm-password", "12345");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync("패스워드가 패스워드 확인란과 다릅니다.");
        await page.FillAsync("#confirm-password", "1234");
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(Url("/"));

        // Sign in: a wrong password first.
        await page.FillAsync("#email", "jimin@example.com");
        await page.FillAsync("#password", "0000");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync("이메일 또는 패스워드가 틀렸습니다.");
        await page.FillAsync("#password", "1234");
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(Url("/goods.html"));
        await Expect(page.Locator("#me")).ToHaveTextAsync("지민님");
        var cookies = await person.Context.CookiesAsync();
        var authorization = Assert.Single(cookies, c => c.Name == "authorization");
        Assert.True(authorization.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, authorization.SameSite);

        // Browse: everything, then the drinks.
        await Expect(page.Locator("#goods li")).ToHaveCountAsync(6);
        await page.ClickAsync("#categories >> text=음료");
        await Expect(page).ToHaveURLAsync(new Regex("[?&]category="));
        await Expect(page.Locator("#goods .name")).ToHaveTextAsync(["아메리카노", "카페라떼", "레몬에이드"]);
        await Expect(page.Locator("#categories a.active")).ToHaveTextAsync("음료");
        await page.ClickAsync("#categories >> text=음식");
        await Expect(page.Locator("#goods .name")).ToHaveTextAsync(["햄버거", "피자", "샌드위치"]);

        // Detail: 3 pizzas into the cart.
        await page.ClickAsync("#goods >> text=피자");
        await Expect(page.Locator("#name")).ToHaveTextAsync("피자");
        await page.SelectOptionAsync("#quantity", "3");
        await Expect(page.Locator("#total")).ToHaveTextAsync("$36");
        await page.ClickAsync("#add-to-cart");
        await Expect(page.Locator("#message")).ToHaveTextAsync("장바구니에 피자 3개를 담았습니다.");

        // And one latte.
        await page.GotoAsync(Url("/detail.html?goodsId=2"));
        await Expect(page.Locator("#name")).ToHaveTextAsync("카페라떼");
        await page.ClickAsync("#add-to-cart");
        await Expect(page.Locator("#message")).ToHaveTextAsync("장바구니에 카페라떼 1개를 담았습니다.");

        // Cart: change a quantity, remove a line, the total follows.
        await page.ClickAsync("header >> text=장바구니");
        await Expect(page.Locator("#cart .name")).ToHaveTextAsync(["카페라떼", "피자"]);
        await Expect(page.Locator("#total")).ToHaveTextAsync("$41");
        await page.SelectOptionAsync("#cart li[data-goods-id='5'] select", "1");
        await Expect(page.Locator("#total")).ToHaveTextAsync("$17");
        await page.ClickAsync("#cart li[data-goods-id='2'] .remove");
        await Expect(page.Locator("#cart .name")).ToHaveTextAsync(["피자"]);
        await Expect(page.Locator("#total")).ToHaveTextAsync("$12");

        // The order page sums it up.
        await page.ClickAsync("#order");
        await Expect(page.Locator("#pay")).ToHaveTextAsync("$12 결제");
        await Expect(page.Locator("#summary")).ToHaveTextAsync("피자");

        // Sign out: the cookie is gone and the goods page sends us back to sign in.
        await page.ClickAsync("#sign-out");
        await Expect(page).ToHaveURLAsync(Url("/"));
        Assert.DoesNotContain(await person.Context.CookiesAsync(), c => c.Name == "authorization");
        await page.GotoAsync(Url("/goods.html"));
        await Expect(page).ToHaveURLAsync(Url("/"));

        Assert.Equal(0, person.Console.Count(l => l.StartsWith("[pageerror]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_goods_says_so()
    {
        await using var person = await browser.NewPersonAsync("누군가");
        await SignInAsync(person.Page, await _shop.NewMemberAsync("누군가"));

        await person.Page.GotoAsync(Url("/detail.html?goodsId=9999"));

        await Expect(person.Page.Locator("#message")).ToHaveTextAsync("상품이 존재하지 않습니다.");
        await Expect(person.Page.Locator("#detail")).ToBeHiddenAsync();
    }

    /// <summary>Signs a member in through the sign-in page, as they would.</summary>
    internal static async Task SignInAsync(IPage page, Member member)
    {
        await page.GotoAsync(member.Client.BaseAddress!.ToString());
        await page.FillAsync("#email", member.Email);
        await page.FillAsync("#password", member.Password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/goods\\.html$"));
    }
}
