using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>
/// The Socket.IO side of the shop, with official Node clients (socket.io-client 4.8) sending the shop's cookie with
/// the handshake as a browser does: <c>BUY</c> → <c>BUY_GOODS</c> to everyone, the post's test phase, the viewer counts.
/// </summary>
public sealed class BuyAlertsSocketTests
{
    private static readonly string[] People = ["민수", "지수", "guest"];

    [Fact]
    public async Task One_BUY_as_the_buyer_and_two_others_see_it_on_the_wire()
    {
        var log = new Transcript();
        await using var shop = await ShopServer.StartAsync(log: log);
        var minsu = await shop.NewMemberAsync("민수");
        var jisu = await shop.NewMemberAsync("지수");
        // 민수 pays twice over REST first, as the order page does: the hamburger (order 1), then a cart of three (order 2).
        var burger = await HostileClientTests.PlaceOrderAsync(minsu, 4);
        foreach (var goodsId in new[] { 2, 3, 6 })
        {
            Assert.Equal(System.Net.HttpStatusCode.Created,
                (await minsu.Client.PostAsync($"/api/goods/{goodsId}/cart", System.Net.Http.Json.JsonContent.Create(new { quantity = 1 }))).StatusCode);
        }
        var cartOrder = await PlaceCartOrderAsync(minsu);
        await using var clients = SocketClients.Start(shop.BaseAddress);
        var scrubber = Scrubber.Default();
        var ids = new Dictionary<string, (string Sid, string SocketId)>();
        foreach (var (name, cookie) in new[] { ("민수", minsu.CookieHeader(shop.BaseAddress)), ("지수", jisu.CookieHeader(shop.BaseAddress)), ("guest", null) })
        {
            ids[name] = await clients.ConnectAsync(name, cookie);
            scrubber.Id(ids[name].Sid, "sid");
            scrubber.Id(ids[name].SocketId, "socket");
        }
        await log.WaitForText("새로운 소켓이 연결되었습니다.", count: 3);

        // 1. The post's payload for order 1, lying: another nickname, a made-up goods name.
        await clients.EmitAsync("민수", "BUY", new { nickname = "누군가", goodsId = 4, goodsName = "공짜 햄버거", orderId = burger }, ack: true);
        await Task.WhenAll(People.Select(p => clients.WaitForEventAsync(p, "BUY_GOODS", 1)).Append(clients.WaitForAckAsync("민수")));
        // 2. A guest (no cookie) cannot buy; nobody hears of it (the next alert would show otherwise: events keep their order).
        await clients.EmitAsync("guest", "BUY", new { nickname = "guest", goodsId = 4, goodsName = "햄버거", orderId = burger }, ack: true);
        await clients.WaitForAckAsync("guest");
        // 3. The order of three goods from the cart.
        await clients.EmitAsync("민수", "BUY", new { nickname = "민수", goodsId = 2, goodsName = "카페라떼 외 2개의 상품", orderId = cartOrder }, ack: true);
        await Task.WhenAll(People.Select(p => clients.WaitForEventAsync(p, "BUY_GOODS", 2)).Append(clients.WaitForAckAsync("민수", 2)));
        // 4. Everyone leaves, one after the other.
        foreach (var name in People)
        {
            await clients.CloseAsync(name);
            await log.WaitForText($"{ids[name].SocketId} 에 해당하는 유저가 연결을 종료하였습니다.");
        }

        foreach (var name in People)
        {
            var alerts = clients.EventsOf(name, "BUY_GOODS").Select(a => (
                a.GetProperty("nickname").GetString(), a.GetProperty("goodsId").GetInt32(), a.GetProperty("goodsName").GetString())).ToArray();
            Assert.Equal([("민수", 4, "햄버거"), ("민수", 2, "카페라떼 외 2개의 상품")], alerts);
        }
        Assert.Contains("guest ack {\"errorMessage\":\"로그인 후 이용 가능한 기능입니다.\"}", clients.Output.Lines);

        var port = shop.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder()
            .AppendLine("# One BUY on the wire: 민수 (signed in) buys; 지수 (signed in) and a guest (no cookie) watch.")
            .AppendLine("# {socket1} {sid1} = 민수, {socket2} {sid2} = 지수, {socket3} {sid3} = the guest.")
            .AppendLine("# Engine.IO frames: → sent by that client, ← received by it (heartbeats left out).")
            .AppendLine("# Before connecting, 민수 placed two orders over REST (POST /api/orders): 1 = the hamburger, 2 = a cart of three.")
            .AppendLine("# 1. 민수 sends the post's BUY payload for order 1, claiming to be 누군가 buying 공짜 햄버거 (goodsId 4):")
            .AppendLine("#    everyone gets BUY_GOODS with 민수's nickname (from the cookie) and the name from the order.")
            .AppendLine("# 2. The guest sends BUY naming 민수's order: the acknowledgement refuses it, nobody is told.")
            .AppendLine("# 3. 민수 announces order 2, three goods (2, 3, 6): \"카페라떼 외 2개의 상품\".")
            .AppendLine("# 4. 민수, 지수 and the guest leave, in that order.")
            .AppendLine("## server log");
        foreach (var line in log.Lines)
        {
            text.AppendLine(line.Replace($"{port} 포트로", "{port} 포트로", StringComparison.Ordinal));
        }
        foreach (var name in People)
        {
            text.AppendLine($"## what {name} sent and received");
            foreach (var frame in clients.LinesOf(name).Where(l => l.StartsWith('→') || l.StartsWith('←')))
            {
                text.AppendLine(frame);
            }
        }
        Snapshot.Match(text.ToString(), scrubber);
    }

    [Fact]
    public async Task The_posts_test_phase_sends_a_sample_alert_to_each_new_socket()
    {
        await using var shop = await ShopServer.StartAsync(new Dictionary<string, string?> { ["BuyAlerts:TestPhase"] = "true" });
        await using var clients = SocketClients.Start(shop.BaseAddress);

        await clients.ConnectAsync("guest");
        await clients.WaitForEventAsync("guest", "BUY_GOODS");

        var sample = Assert.Single(clients.EventsOf("guest", "BUY_GOODS"));
        Assert.Equal(
            """{"nickname":"서버가 보내준 구매자 닉네임","goodsId":10,"goodsName":"서버가 보내준 구매자가 구매한 상품 이름","date":"서버가 보내준 구매 일시"}""",
            JsonSerializer.Serialize(sample, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task The_posts_test_phase_logs_each_BUY_as_the_post_does()
    {
        var log = new Transcript();
        await using var shop = await ShopServer.StartAsync(new Dictionary<string, string?> { ["BuyAlerts:TestPhase"] = "true" }, log);
        var minsu = await shop.NewMemberAsync("민수");
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", minsu.CookieHeader(shop.BaseAddress));

        var orderId = await HostileClientTests.PlaceOrderAsync(minsu, 4);
        await clients.EmitAsync("민수", "BUY", new { nickname = "민수", goodsId = 4, goodsName = "햄버거", orderId }, ack: true);
        await clients.WaitForAckAsync("민수");

        // sock.on("BUY", (data) => { console.log("구매한 정보입니다."); console.log(data); }): two lines, the data as it came.
        var lines = log.Lines.ToList();
        var at = lines.IndexOf("[log] 구매한 정보입니다.");
        Assert.True(at >= 0, "the test phase's log line:\n" + string.Join('\n', lines));
        Assert.Equal($$"""[log] {"nickname":"민수","goodsId":4,"goodsName":"햄버거","orderId":{{orderId}}}""", lines[at + 1]);
        // The purchase itself is still announced (the order page waits for it), with its usual line.
        Assert.Contains("[log] 구매한 정보입니다. 민수 4 햄버거", lines);
        Assert.Equal(2, clients.EventsOf("민수", "BUY_GOODS").Count()); // the sample on connect, then the purchase
    }

    [Fact]
    public async Task Without_the_test_phase_a_new_socket_gets_nothing_until_someone_buys()
    {
        await using var shop = await ShopServer.StartAsync();
        var minsu = await shop.NewMemberAsync("민수");
        await using var clients = SocketClients.Start(shop.BaseAddress);

        await clients.ConnectAsync("guest");
        await clients.ConnectAsync("민수", minsu.CookieHeader(shop.BaseAddress));
        await clients.EmitAsync("민수", "BUY", new { goodsId = 1, orderId = await HostileClientTests.PlaceOrderAsync(minsu, 1) });
        await clients.WaitForEventAsync("guest", "BUY_GOODS");

        // The first (and only) event the guest got is the real purchase.
        var alert = Assert.Single(clients.EventsOf("guest", "BUY_GOODS"));
        Assert.Equal("아메리카노", alert.GetProperty("goodsName").GetString());
        Assert.Single(clients.LinesOf("guest"), l => l.StartsWith("event ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_BUY_payloads_are_refused_and_the_server_keeps_serving()
    {
        await using var shop = await ShopServer.StartAsync();
        var minsu = await shop.NewMemberAsync("민수");
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", minsu.CookieHeader(shop.BaseAddress));
        await clients.ConnectAsync("guest");

        var sandwich = await HostileClientTests.PlaceOrderAsync(minsu, 6);
        object[] bad =
        [
            new { nickname = "민수", goodsId = 9999, goodsName = "없는 상품" }, // the post's payload: no order
            new { nickname = "민수" },
            new { orderId = 9999 },
            new { orderId = -1 },
            new { orderId = 0, goodsId = 6 },
        ];
        foreach (var (payload, i) in bad.Select((p, i) => (p, i)))
        {
            await clients.EmitAsync("민수", "BUY", payload, ack: true);
            await clients.WaitForAckAsync("민수", i + 1);
        }
        await clients.EmitAsync("민수", "BUY", "not an object", ack: true);             // cannot be read as a BUY: logged, not answered
        await clients.EmitAsync("민수", "BUY", new { orderId = "1 OR 1=1" }, ack: true); // neither can this
        await clients.EmitAsync("민수", "BUY", new { goodsId = 6, orderId = sandwich }, ack: true);
        await clients.WaitForEventAsync("guest", "BUY_GOODS");
        await clients.WaitForAckAsync("민수", bad.Length + 1);

        var acks = clients.LinesOf("민수").Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).ToArray();
        Assert.All(acks[..bad.Length], a => Assert.Equal("ack {\"errorMessage\":\"주문 내역을 찾을 수 없습니다.\"}", a));
        Assert.Equal("ack {\"ok\":true}", acks[^1]);
        var alert = Assert.Single(clients.EventsOf("guest", "BUY_GOODS"));
        Assert.Equal("샌드위치", alert.GetProperty("goodsName").GetString());
    }

    private static async Task<int> PlaceCartOrderAsync(Member member)
    {
        var response = await member.Client.PostAsync("/api/orders", System.Net.Http.Json.JsonContent.Create(new { }));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("order").GetProperty("orderId").GetInt32();
    }

    [Fact]
    public async Task Viewers_of_the_same_page_are_counted_for_each_other()
    {
        await using var shop = await ShopServer.StartAsync();
        await using var clients = SocketClients.Start(shop.BaseAddress);
        foreach (var name in People)
        {
            await clients.ConnectAsync(name);
        }
        const string Americano = "/detail.html?goodsId=1";
        const string Latte = "/detail.html?goodsId=2";

        await clients.EmitAsync("민수", "CHANGED_PAGE", Americano);
        await clients.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 1);
        await clients.EmitAsync("지수", "CHANGED_PAGE", Americano);
        await clients.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", 1);
        await clients.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 2);
        await clients.EmitAsync("guest", "CHANGED_PAGE", 42);                        // not a page: ignored
        await clients.EmitAsync("guest", "CHANGED_PAGE", "javascript:alert(1)");     // not a page: ignored
        await clients.EmitAsync("guest", "CHANGED_PAGE", Latte);
        await clients.WaitForEventAsync("guest", "SAME_PAGE_VIEWER_COUNT", 1);
        await clients.EmitAsync("지수", "CHANGED_PAGE", Latte);                      // 지수 moves on to the latte
        await clients.WaitForEventAsync("guest", "SAME_PAGE_VIEWER_COUNT", 2);
        await clients.WaitForEventAsync("민수", "SAME_PAGE_VIEWER_COUNT", 3);
        // Each socket has its own connection: the guest's count says nothing about 지수's. A client that leaves
        // drops what is still on its way, so wait for 지수's count of the latte page before closing.
        await clients.WaitForEventAsync("지수", "SAME_PAGE_VIEWER_COUNT", 2);
        await clients.CloseAsync("지수");                                            // and leaves
        await clients.WaitForEventAsync("guest", "SAME_PAGE_VIEWER_COUNT", 3);

        int[] Counts(string name) => [.. clients.EventsOf(name, "SAME_PAGE_VIEWER_COUNT").Select(c => c.GetInt32())];
        Assert.Equal([1, 2, 1], Counts("민수"));
        Assert.Equal([2, 2], Counts("지수"));
        Assert.Equal([1, 2, 1], Counts("guest"));
    }
}
