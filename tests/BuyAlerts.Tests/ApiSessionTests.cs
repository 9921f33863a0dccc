using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>A shopping session over plain HTTP, recorded request by request: the API as documentation.</summary>
public sealed partial class ApiSessionTests
{
    // Korean as it is (UTF-8), not as \uXXXX escapes, so the snapshot reads like the requests.
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task A_shopping_session_over_http()
    {
        await using var shop = await ShopServer.StartAsync();
        var cookies = new System.Net.CookieContainer();
        var browser = shop.CreateBrowserLikeClient(cookies); // keeps the cookie, as a browser does
        var text = new StringBuilder()
            .AppendLine("# One member's session with the shop's REST API: each request, then the status, the Set-Cookie")
            .AppendLine("# header when there is one, and the body. The client keeps cookies like a browser does.");

        async Task Send(HttpClient client, HttpMethod method, string path, object? body = null, string? note = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, options: Json);
            }
            var response = await client.SendAsync(request);
            var json = body is null ? "" : " " + await request.Content!.ReadAsStringAsync();
            text.AppendLine($"## {method} {Uri.UnescapeDataString(path)}{json}{(note is null ? "" : "  (" + note + ")")}");
            text.AppendLine($"{(int)response.StatusCode} {response.StatusCode}");
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                foreach (var cookie in cookies)
                {
                    text.AppendLine("Set-Cookie: " + cookie);
                }
            }
            var content = await response.Content.ReadAsStringAsync();
            if (content.Length > 0)
            {
                text.AppendLine(content);
            }
        }

        var minsu = new { email = "minsu@example.com", nickname = "민수", password = "1234", confirmPassword = "1234" };
        await Send(browser, HttpMethod.Post, "/api/users", minsu);
        await Send(browser, HttpMethod.Post, "/api/users", minsu with { email = "other@example.com" }, "the nickname is taken");
        await Send(browser, HttpMethod.Post, "/api/users", minsu with { email = "jisu@example.com", nickname = "지수", confirmPassword = "4321" },
            "the confirmation differs");
        await Send(browser, HttpMethod.Post, "/api/auth", new { email = "minsu@example.com", password = "0000" }, "wrong password");
        await Send(browser, HttpMethod.Post, "/api/auth", new { email = "minsu@example.com", password = "1234" });
        await Send(shop.CreateClient(), HttpMethod.Get, "/api/users/me", note: "no cookie, no header");
        await Send(browser, HttpMethod.Get, "/api/users/me", note: "with the cookie");
        await Send(browser, HttpMethod.Get, "/api/goods?category=%EC%9D%8C%EB%A3%8C");
        await Send(browser, HttpMethod.Get, "/api/goods/99");
        await Send(browser, HttpMethod.Post, "/api/goods/4/cart", new { quantity = 2 });
        await Send(browser, HttpMethod.Post, "/api/goods/4/cart", new { quantity = 1 }, "already in the cart");
        await Send(browser, HttpMethod.Put, "/api/goods/4/cart", new { quantity = 3 }, "change the quantity");
        await Send(browser, HttpMethod.Get, "/api/goods/cart");
        await Send(browser, HttpMethod.Delete, "/api/goods/4/cart");
        await Send(browser, HttpMethod.Post, "/api/goods/6/cart", new { quantity = 2 });
        await Send(browser, HttpMethod.Post, "/api/orders", new { }, "order the cart");
        await Send(browser, HttpMethod.Post, "/api/orders", new { }, "the cart is empty now");
        await Send(browser, HttpMethod.Post, "/api/orders", new { goodsId = 1, quantity = 1 }, "buy now");
        var kept = cookies.GetCookieHeader(shop.BaseAddress); // what someone who copied the cookie would keep
        await Send(browser, HttpMethod.Delete, "/api/auth", note: "sign out");
        await Send(browser, HttpMethod.Get, "/api/goods/cart", note: "signed out");
        var replay = shop.CreateClient();
        replay.DefaultRequestHeaders.Add("Cookie", kept);
        await Send(replay, HttpMethod.Get, "/api/goods/cart", note: "the cookie from before the sign-out, sent again");

        var scrubber = Scrubber.Default()
            .AddPattern(CookieToken(), "jwt")                      // the token inside "Bearer%20<jwt>"
            .AddPattern(CookieExpiry(), "expires", numbered: false); // a date in the future (the sign-out's 1970 stays)
        Snapshot.Match(text.ToString(), scrubber);
    }

    [GeneratedRegex(@"Bearer%20(?<value>eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")]
    private static partial Regex CookieToken();

    [GeneratedRegex(@"expires=(?<value>(?!Thu, 01 Jan 1970)[^;]+)")]
    private static partial Regex CookieExpiry();
}
