using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace BuyAlerts.Tests;

/// <summary>
/// The shop against clients that do not follow its pages: a member who announces purchases without buying, replays
/// one order's <c>BUY</c>, floods <c>CHANGED_PAGE</c>, adds goods without being an administrator, opens a WebSocket
/// from another site's page with the member's cookie. Real shop, official Node clients, plain HTTP.
/// </summary>
public sealed class HostileClientTests
{
    private const string Americano = "/detail.html?goodsId=1";

    [Fact]
    public async Task A_member_cannot_announce_a_purchase_without_an_order()
    {
        await using var shop = await ShopServer.StartAsync();
        var minsu = await shop.NewMemberAsync("민수");
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", minsu.CookieHeader(shop.BaseAddress));
        await clients.ConnectAsync("지수");

        // The post's page sends BUY when the user pays; nothing stops a script from sending it without paying.
        for (var i = 0; i < 20; i++)
        {
            await clients.EmitAsync("민수", "BUY", new { nickname = "민수", goodsId = 4, goodsName = "햄버거" }, ack: true);
        }
        await clients.WaitForAckAsync("민수", 20);
        // Anything the server sent 지수 for those BUYs went out before their answers: a count asked for now comes after it.
        await clients.EmitAsync("지수", "CHANGED_PAGE", Americano);
        await clients.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT");

        Assert.Empty(clients.EventsOf("지수", "BUY_GOODS"));
        // The first ones are looked up and not found; past the socket's budget (10 at once) they are not even looked up.
        var acks = clients.LinesOf("민수").Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).ToArray();
        Assert.Equal("ack {\"errorMessage\":\"주문 내역을 찾을 수 없습니다.\"}", acks[0]);
        Assert.All(acks, a => Assert.Contains(a, new[]
        {
            "ack {\"errorMessage\":\"주문 내역을 찾을 수 없습니다.\"}",
            "ack {\"errorMessage\":\"요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.\"}",
        }));
    }

    [Fact]
    public async Task An_order_is_announced_once_and_a_member_at_most_three_times_a_minute()
    {
        await using var shop = await ShopServer.StartAsync();
        var minsu = await shop.NewMemberAsync("민수");
        var jisu = await shop.NewMemberAsync("지수");
        var orders = new List<int>();
        for (var goodsId = 1; goodsId <= 5; goodsId++)
        {
            orders.Add(await PlaceOrderAsync(minsu, goodsId));
        }
        var jisusOrder = await PlaceOrderAsync(jisu, 6);
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", minsu.CookieHeader(shop.BaseAddress));
        await clients.ConnectAsync("guest");

        var sent = 0;
        async Task<string> Buy(int orderId)
        {
            await clients.EmitAsync("민수", "BUY", new { nickname = "민수", goodsId = 1, goodsName = "?", orderId }, ack: true);
            await clients.WaitForAckAsync("민수", ++sent);
            return clients.LinesOf("민수").Last(l => l.StartsWith("ack ", StringComparison.Ordinal));
        }

        Assert.Equal("ack {\"ok\":true}", await Buy(orders[0]));
        Assert.Equal("ack {\"errorMessage\":\"이미 알림을 보낸 주문입니다.\"}", await Buy(orders[0]));   // replayed
        Assert.Equal("ack {\"errorMessage\":\"주문 내역을 찾을 수 없습니다.\"}", await Buy(jisusOrder)); // someone else's
        Assert.Equal("ack {\"errorMessage\":\"주문 내역을 찾을 수 없습니다.\"}", await Buy(999_999));     // made up
        Assert.Equal("ack {\"ok\":true}", await Buy(orders[1]));
        Assert.Equal("ack {\"ok\":true}", await Buy(orders[2]));
        const string TooMany = "ack {\"errorMessage\":\"구매 알림은 1분에 3번까지 보낼 수 있습니다. 잠시 후 다시 시도해 주세요.\"}";
        Assert.Equal(TooMany, await Buy(orders[3]));
        Assert.Equal(TooMany, await Buy(orders[4]));
        await clients.EmitAsync("guest", "CHANGED_PAGE", Americano); // a barrier: comes after every alert sent so far
        await clients.WaitForEventAsync("guest", "SAME_PAGE_VIEWER_COUNT");

        Assert.Equal(["아메리카노", "카페라떼", "레몬에이드"],
            clients.EventsOf("guest", "BUY_GOODS").Select(a => a.GetProperty("goodsName").GetString()));
    }

    [Fact]
    public async Task Only_an_administrator_adds_goods()
    {
        await using var shop = await ShopServer.StartAsync();
        var member = await shop.NewMemberAsync("민수");
        var admin = await shop.NewMemberAsync("관리자", email: ShopServer.AdminEmail);
        object Goods(int goodsId) => new { goodsId, name = "<b>공짜</b> 상품", thumbnailUrl = "/a.svg", category = "음식", price = 0 };

        var anonymous = await shop.CreateClient().PostAsJsonAsync("/api/goods", Goods(100));
        var byMember = await member.Client.PostAsJsonAsync("/api/goods", Goods(101));
        var byAdmin = await admin.Client.PostAsJsonAsync("/api/goods", Goods(102));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("로그인 후 이용 가능한 기능입니다.", await ErrorOf(anonymous));
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal("관리자만 이용할 수 있는 기능입니다.", await ErrorOf(byMember));
        Assert.Equal(HttpStatusCode.Created, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.CreateClient().GetAsync("/api/goods/100")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.CreateClient().GetAsync("/api/goods/101")).StatusCode);
    }

    [Fact]
    public async Task A_CHANGED_PAGE_flood_reaches_the_other_viewers_as_a_few_counts()
    {
        await using var shop = await ShopServer.StartAsync();
        await using var clients = SocketClients.Start(shop.BaseAddress);
        string[] viewers = ["지수", "친구1", "친구2"];
        foreach (var (name, i) in viewers.Select((n, i) => (n, i)))
        {
            await clients.ConnectAsync(name);
            await clients.EmitAsync(name, "CHANGED_PAGE", Americano);
            await clients.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", i + 1);
        }
        await clients.ConnectAsync("flooder");

        // 200 page changes in a burst, in and out of the americano's page: each one a count for everyone on it.
        for (var i = 0; i < 200; i++)
        {
            await clients.EmitAsync("flooder", "CHANGED_PAGE", i % 2 == 0 ? Americano : "/detail.html?goodsId=2");
        }
        // Handlers start in the order packets arrive: once this is answered, every CHANGED_PAGE above has been taken in.
        await clients.EmitAsync("flooder", "BUY", new { goodsId = 1 }, ack: true);
        await clients.WaitForAckAsync("flooder");
        // 지수 moves to a page nobody else is on: its count (1, which the flood never sends 지수) comes after the flood's.
        await clients.EmitAsync("지수", "CHANGED_PAGE", "/detail.html?goodsId=3");
        await clients.Output.WaitFor(l => l == "지수 event SAME_PAGE_VIEWER_COUNT 1", what: "지수's count of the new page");

        var fromTheFlood = clients.EventsOf("지수", "SAME_PAGE_VIEWER_COUNT").Count(c => c.GetInt32() >= 3);
        Assert.InRange(fromTheFlood, 1, 20);
    }

    [Fact]
    public async Task A_WebSocket_opened_by_another_sites_page_is_refused_even_with_the_members_cookie()
    {
        await using var shop = await ShopServer.StartAsync();
        var minsu = await shop.NewMemberAsync("민수");
        var cookie = minsu.CookieHeader(shop.BaseAddress);
        await using var clients = SocketClients.Start(shop.BaseAddress);
        var ownOrigin = shop.BaseAddress.GetLeftPart(UriPartial.Authority);
        // Another app on the same machine is the same *site* (ports do not count), so the SameSite=Lax cookie goes along.
        var otherPort = new UriBuilder(shop.BaseAddress) { Port = shop.BaseAddress.Port + 1 }.Uri.GetLeftPart(UriPartial.Authority);

        var evil = await clients.TryConnectAsync("evil", cookie, origin: "http://evil.example");
        var neighbour = await clients.TryConnectAsync("neighbour", cookie, origin: otherPort);
        var shopsPage = await clients.TryConnectAsync("민수", cookie, origin: ownOrigin);
        var nodeClient = await clients.TryConnectAsync("node", cookie); // no Origin: not a page in a browser

        Assert.StartsWith("evil error ", evil, StringComparison.Ordinal);
        Assert.StartsWith("neighbour error ", neighbour, StringComparison.Ordinal);
        Assert.StartsWith("민수 connected ", shopsPage, StringComparison.Ordinal);
        Assert.StartsWith("node connected ", nodeClient, StringComparison.Ordinal);
    }

    internal static async Task<int> PlaceOrderAsync(Member member, int goodsId, int quantity = 1)
    {
        var response = await member.Client.PostAsJsonAsync("/api/orders", new { goodsId, quantity });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("order").GetProperty("orderId").GetInt32();
    }

    internal static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorMessage").GetString();
}
