using System.Net;
using System.Net.Http.Json;

namespace BuyAlerts.Tests;

/// <summary>
/// Sign-in against someone guessing passwords, sign-out against someone who kept the token, and the cookie behind a
/// proxy that speaks HTTPS to the browser.
/// </summary>
public sealed class SignInHardeningTests
{
    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address()
    {
        await using var shop = await ShopServer.StartAsync();
        var member = await shop.NewMemberAsync("민수");
        var guesser = shop.CreateClient(address: "10.99.0.1");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add(await guesser.PostAsJsonAsync("/api/auth", new { email = member.Email, password = $"guess{i}" }));
        }
        var withTheRightPassword = await guesser.PostAsJsonAsync("/api/auth", new { email = member.Email, password = member.Password });
        var someoneElse = await shop.CreateClient(address: "10.99.0.2").PostAsJsonAsync("/api/auth", new { email = member.Email, password = member.Password });
        var signUpFromTheGuesser = await guesser.PostAsJsonAsync("/api/users",
            new { email = "new@example.com", nickname = "새사람", password = "1234", confirmPassword = "1234" });

        Assert.All(answers[..10], a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[10].StatusCode);
        Assert.Equal("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.", await HostileClientTests.ErrorOf(answers[10]));
        Assert.NotNull(answers[10].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, withTheRightPassword.StatusCode); // no more guesses, right or wrong
        Assert.Equal(HttpStatusCode.OK, someoneElse.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, signUpFromTheGuesser.StatusCode);
    }

    [Fact]
    public async Task A_token_kept_after_sign_out_opens_nothing()
    {
        await using var shop = await ShopServer.StartAsync();
        var member = await shop.NewMemberAsync("민수");
        var cookie = member.CookieHeader(shop.BaseAddress);
        var orderId = await HostileClientTests.PlaceOrderAsync(member, 4);

        Assert.Equal(HttpStatusCode.NoContent, (await member.Client.DeleteAsync("/api/auth")).StatusCode);

        // Someone copied the token (or the cookie) before: the browser forgot it, the server must too.
        var byHeader = await ShopServer.WithBearer(shop.CreateClient(), member.Token).GetAsync("/api/users/me");
        var byCookie = await CookieClient(shop, cookie).GetAsync("/api/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byCookie.StatusCode);
        // The socket handshake with the old cookie is a guest's: the order placed before cannot be announced with it.
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", cookie);
        await clients.EmitAsync("민수", "BUY", new { goodsId = 4, orderId }, ack: true);
        await clients.WaitForAckAsync("민수");
        Assert.Contains("ack {\"errorMessage\":\"로그인 후 이용 가능한 기능입니다.\"}", clients.LinesOf("민수"));
        // Signing in again works, with a new token.
        var again = await shop.CreateClient().PostAsJsonAsync("/api/auth", new { email = member.Email, password = member.Password });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_socket_that_stays_open_after_sign_out_cannot_announce_anymore()
    {
        await using var shop = await ShopServer.StartAsync();
        var member = await shop.NewMemberAsync("민수");
        var orderId = await HostileClientTests.PlaceOrderAsync(member, 4);
        await using var clients = SocketClients.Start(shop.BaseAddress);
        await clients.ConnectAsync("민수", member.CookieHeader(shop.BaseAddress)); // signed in when it connected

        Assert.Equal(HttpStatusCode.NoContent, (await member.Client.DeleteAsync("/api/auth")).StatusCode);
        await clients.EmitAsync("민수", "BUY", new { goodsId = 4, orderId }, ack: true);
        await clients.WaitForAckAsync("민수");

        Assert.Contains("ack {\"errorMessage\":\"로그인 후 이용 가능한 기능입니다.\"}", clients.LinesOf("민수"));
    }

    [Fact]
    public async Task A_sign_out_on_one_instance_holds_on_the_other()
    {
        // Two shops on one SQLite file and one secret, as README "More than one server" runs them (no Redis needed here).
        var folder = ShopServer.NewTempFolder();
        try
        {
            await using var a = await ShopServer.StartAsync(folder: folder);
            await using var b = await ShopServer.StartAsync(folder: folder);
            var member = await a.NewMemberAsync("민수");
            var onB = ShopServer.WithBearer(b.CreateClient(), member.Token);
            Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/users/me")).StatusCode); // a's token works on b

            Assert.Equal(HttpStatusCode.NoContent, (await member.Client.DeleteAsync("/api/auth")).StatusCode); // signed out on a

            Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/users/me")).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Behind_a_proxy_that_speaks_HTTPS_the_cookie_is_Secure()
    {
        await using var shop = await ShopServer.StartAsync();
        var member = await shop.NewMemberAsync("민수");
        var client = shop.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https"); // what nginx sends when the browser came over TLS

        var signIn = await client.PostAsJsonAsync("/api/auth", new { email = member.Email, password = member.Password });
        var signOut = await client.DeleteAsync("/api/auth");
        var overHttp = await shop.CreateClient().PostAsJsonAsync("/api/auth", new { email = member.Email, password = member.Password });

        Assert.Contains("; secure", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Contains("; secure", Assert.Single(signOut.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.DoesNotContain("secure", Assert.Single(overHttp.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    private static HttpClient CookieClient(ShopServer shop, string cookie)
    {
        var client = shop.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
