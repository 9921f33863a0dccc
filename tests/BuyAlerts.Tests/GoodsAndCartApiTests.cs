using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static BuyAlerts.Tests.UsersAndAuthApiTests;

namespace BuyAlerts.Tests;

/// <summary><c>GET|POST /api/goods</c>, <c>GET /api/goods/{goodsId}</c> and the cart routes, signed in and not.</summary>
public sealed class GoodsAndCartApiTests(ShopFixture shop) : IClassFixture<ShopFixture>
{
    private ShopServer Server => shop.Server;

    private static string[] Names(JsonElement list) => [.. list.EnumerateArray().Select(g => g.GetProperty("name").GetString()!)];

    [Fact]
    public async Task The_shop_is_seeded_with_drinks_and_foods_and_filters_by_category()
    {
        var client = Server.CreateClient();

        var all = (await client.GetFromJsonAsync<JsonElement>("/api/goods")).GetProperty("goods");
        var drinks = (await client.GetFromJsonAsync<JsonElement>("/api/goods?category=음료")).GetProperty("goods");
        var foods = (await client.GetFromJsonAsync<JsonElement>("/api/goods?category=%EC%9D%8C%EC%8B%9D")).GetProperty("goods");
        var none = (await client.GetFromJsonAsync<JsonElement>("/api/goods?category=가구")).GetProperty("goods");

        Assert.Equal(["아메리카노", "카페라떼", "레몬에이드"], Names(drinks));
        Assert.Equal(["햄버거", "피자", "샌드위치"], Names(foods));
        Assert.Equal([.. Names(drinks), .. Names(foods)], Names(all)[..6]);
        Assert.Empty(none.EnumerateArray());
        var first = all[0];
        Assert.Equal(1, first.GetProperty("goodsId").GetInt32());
        Assert.Equal("음료", first.GetProperty("category").GetString());
        Assert.Equal(4, first.GetProperty("price").GetInt32());
        Assert.Equal("/images/goods/americano.svg", first.GetProperty("thumbnailUrl").GetString());
    }

    [Fact]
    public async Task Every_seeded_thumbnail_is_served_locally_as_svg()
    {
        var client = Server.CreateClient();
        var goods = (await client.GetFromJsonAsync<JsonElement>("/api/goods")).GetProperty("goods").EnumerateArray().Take(6);

        foreach (var g in goods)
        {
            var url = g.GetProperty("thumbnailUrl").GetString()!;
            Assert.StartsWith("/images/goods/", url, StringComparison.Ordinal);
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<svg", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Detail_answers_the_goods_or_404()
    {
        var client = Server.CreateClient();

        var found = await client.GetFromJsonAsync<JsonElement>("/api/goods/4");
        var missing = await client.GetAsync("/api/goods/9999");
        var notANumber = await client.GetAsync("/api/goods/abc");

        Assert.Equal("햄버거", found.GetProperty("goods").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("상품이 존재하지 않습니다.", await ErrorOf(missing));
        Assert.Equal(HttpStatusCode.NotFound, notANumber.StatusCode);
    }

    [Fact]
    public async Task Adding_goods_answers_201_and_refuses_a_taken_goods_id()
    {
        var client = (await Server.AdminAsync()).Client; // only an administrator adds goods (HostileClientTests)
        var goodsId = Random.Shared.Next(1000, 1_000_000);
        var body = new { goodsId, name = "녹차", thumbnailUrl = "/images/goods/latte.svg", category = "차", price = 3 };

        var created = await client.PostAsJsonAsync("/api/goods", body);
        var again = await client.PostAsJsonAsync("/api/goods", body with { });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/goods/{goodsId}", created.Headers.Location?.OriginalString);
        Assert.Equal("녹차", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("goods").GetProperty("name").GetString());
        Assert.Equal("녹차", (await client.GetFromJsonAsync<JsonElement>($"/api/goods/{goodsId}")).GetProperty("goods").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("이미 존재하는 GoodsId입니다.", await ErrorOf(again));
    }

    [Theory]
    [InlineData(0, "녹차", "/a.svg", "음료", 3)]
    [InlineData(77, "", "/a.svg", "음료", 3)]
    [InlineData(77, "녹차", "javascript:alert(1)", "음료", 3)]
    [InlineData(77, "녹차", "//evil.example/a.svg", "음료", 3)]
    [InlineData(77, "녹차", "/a.svg", "", 3)]
    [InlineData(77, "녹차", "/a.svg", "음료", -1)]
    public async Task Adding_invalid_goods_gets_a_clear_400(int goodsId, string name, string thumbnailUrl, string category, int price)
    {
        var response = await (await Server.AdminAsync()).Client.PostAsJsonAsync("/api/goods", new { goodsId, name, thumbnailUrl, category, price });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("상품 정보가 올바르지 않습니다.", await ErrorOf(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/goods/cart")]
    [InlineData("POST", "/api/goods/1/cart")]
    [InlineData("PUT", "/api/goods/1/cart")]
    [InlineData("DELETE", "/api/goods/1/cart")]
    public async Task The_cart_needs_a_signed_in_user(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { quantity = 1 });
        }

        var response = await Server.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("로그인 후 이용 가능한 기능입니다.", await ErrorOf(response));
    }

    [Fact]
    public async Task The_cart_add_change_list_remove_with_the_cookie()
    {
        var member = await Server.NewMemberAsync("cart" + Guid.NewGuid().ToString("N")[..8]);
        var client = member.Client;

        var added = await client.PostAsJsonAsync("/api/goods/2/cart", new { quantity = 2 });
        var addedAgain = await client.PostAsJsonAsync("/api/goods/2/cart", new { quantity = 1 });
        var changed = await client.PutAsJsonAsync("/api/goods/2/cart", new { quantity = 5 });
        var upserted = await client.PutAsJsonAsync("/api/goods/5/cart", new { quantity = 1 });
        var cart = (await client.GetFromJsonAsync<JsonElement>("/api/goods/cart")).GetProperty("cart");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(2, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quantity").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, addedAgain.StatusCode);
        Assert.Equal("이미 장바구니에 해당하는 상품이 존재합니다.", await ErrorOf(addedAgain));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upserted.StatusCode);
        Assert.Equal(
            ["카페라떼 x5", "피자 x1"],
            cart.EnumerateArray().Select(c => $"{c.GetProperty("goods").GetProperty("name").GetString()} x{c.GetProperty("quantity").GetInt32()}"));

        var removed = await client.DeleteAsync("/api/goods/2/cart");
        var removedAgain = await client.DeleteAsync("/api/goods/2/cart");
        var after = (await client.GetFromJsonAsync<JsonElement>("/api/goods/cart")).GetProperty("cart");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        Assert.Equal("장바구니에 해당하는 상품이 없습니다.", await ErrorOf(removedAgain));
        Assert.Equal(["피자"], after.EnumerateArray().Select(c => c.GetProperty("goods").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_cart_works_with_the_authorization_header_and_is_per_user()
    {
        var alice = await Server.NewMemberAsync("alice" + Guid.NewGuid().ToString("N")[..8]);
        var bob = await Server.NewMemberAsync("bob" + Guid.NewGuid().ToString("N")[..8]);
        var aliceByHeader = ShopServer.WithBearer(Server.CreateClient(), alice.Token);

        Assert.Equal(HttpStatusCode.Created, (await aliceByHeader.PostAsJsonAsync("/api/goods/3/cart", new { quantity = 3 })).StatusCode);

        var aliceCart = (await aliceByHeader.GetFromJsonAsync<JsonElement>("/api/goods/cart")).GetProperty("cart");
        var bobCart = (await bob.Client.GetFromJsonAsync<JsonElement>("/api/goods/cart")).GetProperty("cart");
        Assert.Equal("레몬에이드", Assert.Single(aliceCart.EnumerateArray()).GetProperty("goods").GetProperty("name").GetString());
        Assert.Empty(bobCart.EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Client.DeleteAsync("/api/goods/3/cart")).StatusCode);
    }

    [Theory]
    [InlineData("POST", 9999, "{\"quantity\":1}", 404, "상품이 존재하지 않습니다.")]
    [InlineData("PUT", 9999, "{\"quantity\":1}", 404, "상품이 존재하지 않습니다.")]
    [InlineData("POST", 1, "{\"quantity\":0}", 400, "수량은 1 이상 99 이하의 정수여야 합니다.")]
    [InlineData("PUT", 1, "{\"quantity\":100}", 400, "수량은 1 이상 99 이하의 정수여야 합니다.")]
    [InlineData("PUT", 1, "{}", 400, "수량은 1 이상 99 이하의 정수여야 합니다.")]
    [InlineData("PUT", 1, "{\"quantity\":\"two\"}", 400, "요청 본문이 올바른 JSON이 아닙니다.")]
    [InlineData("POST", 1, "{\"quantity\":1.5}", 400, "요청 본문이 올바른 JSON이 아닙니다.")]
    public async Task Bad_cart_requests_get_a_clear_error(string method, int goodsId, string json, int status, string message)
    {
        var member = await Server.NewMemberAsync("bad" + Guid.NewGuid().ToString("N")[..8]);
        var request = new HttpRequestMessage(new HttpMethod(method), $"/api/goods/{goodsId}/cart")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await member.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(message, await ErrorOf(response));
        Assert.Empty((await member.Client.GetFromJsonAsync<JsonElement>("/api/goods/cart")).GetProperty("cart").EnumerateArray());
    }

    [Fact]
    public async Task The_pages_are_served_from_wwwroot()
    {
        var client = Server.CreateClient();

        foreach (var page in new[] { "/", "/register.html", "/goods.html", "/detail.html", "/cart.html", "/order.html" })
        {
            var response = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("<link rel=\"icon\" href=\"data:,\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
