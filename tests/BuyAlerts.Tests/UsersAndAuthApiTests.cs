using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BuyAlerts.Tests;

/// <summary><c>POST /api/users</c>, <c>POST|DELETE /api/auth</c>, <c>GET /api/users/me</c>, with the post's messages.</summary>
public sealed class UsersAndAuthApiTests(ShopFixture shop) : IClassFixture<ShopFixture>
{
    private ShopServer Server => shop.Server;

    private static string NewEmail() => $"{Guid.NewGuid():N}@example.com";
    private static string NewNickname() => "n" + Guid.NewGuid().ToString("N")[..10];

    internal static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorMessage").GetString()!;

    [Fact]
    public async Task Sign_up_answers_201_and_stores_a_hash_not_the_password()
    {
        var email = NewEmail();
        var response = await Server.CreateClient().PostAsJsonAsync("/api/users",
            new { email, nickname = NewNickname(), password = "secret-1", confirmPassword = "secret-1" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var scope = Server.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        Assert.DoesNotContain("secret-1", user.PasswordHash, StringComparison.Ordinal);
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(user, user.PasswordHash, "secret-1"));
    }

    [Fact]
    public async Task Sign_up_with_a_different_confirmation_is_refused()
    {
        var response = await Server.CreateClient().PostAsJsonAsync("/api/users",
            new { email = NewEmail(), nickname = NewNickname(), password = "1234", confirmPassword = "12345" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("패스워드가 패스워드 확인란과 다릅니다.", await ErrorOf(response));
    }

    [Fact]
    public async Task Sign_up_with_a_taken_email_or_nickname_is_refused()
    {
        var member = await Server.NewMemberAsync(NewNickname());
        var client = Server.CreateClient();

        var sameEmail = await client.PostAsJsonAsync("/api/users",
            new { email = member.Email.ToUpperInvariant(), nickname = NewNickname(), password = "1234", confirmPassword = "1234" });
        var sameNickname = await client.PostAsJsonAsync("/api/users",
            new { email = NewEmail(), nickname = member.Nickname, password = "1234", confirmPassword = "1234" });

        Assert.Equal(HttpStatusCode.BadRequest, sameEmail.StatusCode);
        Assert.Equal("이메일 또는 닉네임이 이미 사용중입니다.", await ErrorOf(sameEmail));
        Assert.Equal(HttpStatusCode.BadRequest, sameNickname.StatusCode);
        Assert.Equal("이메일 또는 닉네임이 이미 사용중입니다.", await ErrorOf(sameNickname));
    }

    [Theory]
    [InlineData("not-an-email", "nick1", "1234", "이메일 형식이 올바르지 않습니다.")]
    [InlineData(null, "nick1", "1234", "이메일 형식이 올바르지 않습니다.")]
    [InlineData("{email}", "x", "1234", "닉네임은 2자 이상 30자 이하로 입력해 주세요.")]
    [InlineData("{email}", null, "1234", "닉네임은 2자 이상 30자 이하로 입력해 주세요.")]
    [InlineData("{email}", "nick1", "123", "패스워드는 4자 이상 100자 이하로 입력해 주세요.")]
    public async Task Sign_up_with_invalid_fields_gets_a_clear_400(string? email, string? nickname, string password, string message)
    {
        var response = await Server.CreateClient().PostAsJsonAsync("/api/users",
            new { email = email == "{email}" ? NewEmail() : email, nickname, password, confirmPassword = password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await ErrorOf(response));
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_a_400_and_the_server_keeps_serving()
    {
        var client = Server.CreateClient();
        var response = await client.PostAsync("/api/users", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("요청 본문이 올바른 JSON이 아닙니다.", await ErrorOf(response));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/goods")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_returns_a_token_and_sets_the_http_only_authorization_cookie()
    {
        var email = NewEmail();
        var client = Server.CreateClient();
        await client.PostAsJsonAsync("/api/users", new { email, nickname = NewNickname(), password = "1234", confirmPassword = "1234" });

        var response = await client.PostAsJsonAsync("/api/auth", new { email, password = "1234" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(3, token.Split('.').Length);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"authorization=Bearer%20{token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData("unknown-email")]
    public async Task Sign_in_with_wrong_credentials_is_refused_with_one_message(string what)
    {
        var member = await Server.NewMemberAsync(NewNickname());
        var body = what == "wrong-password"
            ? new { email = member.Email, password = "not-it" }
            : new { email = NewEmail(), password = member.Password };

        var response = await Server.CreateClient().PostAsJsonAsync("/api/auth", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("이메일 또는 패스워드가 틀렸습니다.", await ErrorOf(response));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Sign_in_without_fields_gets_a_clear_400()
    {
        var response = await Server.CreateClient().PostAsJsonAsync("/api/auth", new { email = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("이메일과 패스워드를 입력해 주세요.", await ErrorOf(response));
    }

    [Fact]
    public async Task Me_answers_with_the_cookie_and_with_the_authorization_header()
    {
        var member = await Server.NewMemberAsync(NewNickname());

        var withCookie = await member.Client.GetFromJsonAsync<JsonElement>("/api/users/me");
        var withHeader = await ShopServer.WithBearer(Server.CreateClient(), member.Token).GetFromJsonAsync<JsonElement>("/api/users/me");

        foreach (var body in new[] { withCookie, withHeader })
        {
            var user = body.GetProperty("user");
            Assert.Equal(member.Email, user.GetProperty("email").GetString());
            Assert.Equal(member.Nickname, user.GetProperty("nickname").GetString());
            Assert.False(user.TryGetProperty("passwordHash", out _));
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("garbage-header")]
    [InlineData("token-of-another-secret")]
    [InlineData("cookie-without-bearer")]
    public async Task Me_without_a_valid_token_is_401_with_the_post_message(string how)
    {
        var client = Server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        switch (how)
        {
            case "garbage-header":
                request.Headers.Add("Authorization", "Bearer not.a.jwt");
                break;
            case "token-of-another-secret":
                // Well-formed HS256 token with the right claims, signed with a different key.
                var other = new BuyAlerts.Auth.TokenService(
                    new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]), TimeSpan.FromHours(1), TimeProvider.System);
                request.Headers.Add("Authorization", "Bearer " + other.Issue(new User { UserId = 1, Email = "a@b.c", Nickname = "x" }, "session", DateTimeOffset.UtcNow.AddHours(1), isAdmin: true).Token);
                break;
            case "cookie-without-bearer":
                var member = await Server.NewMemberAsync(NewNickname());
                request.Headers.Add("Cookie", "authorization=" + member.Token);
                break;
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("로그인 후 이용 가능한 기능입니다.", await ErrorOf(response));
    }

    [Fact]
    public async Task Sign_out_clears_the_cookie()
    {
        var member = await Server.NewMemberAsync(NewNickname());
        Assert.Equal(HttpStatusCode.OK, (await member.Client.GetAsync("/api/users/me")).StatusCode);

        var response = await member.Client.DeleteAsync("/api/auth");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("authorization=;", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cookie, StringComparison.Ordinal);
        Assert.Empty(member.Cookies.GetCookies(Server.BaseAddress));
        var after = await member.Client.GetAsync("/api/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_server_says_which_port_it_opened()
    {
        await Server.Log.WaitForText("포트로 서버가 열렸어요!");

        Assert.Contains($"[log] {Server.BaseAddress.Port} 포트로 서버가 열렸어요!", Server.Log.Lines);
    }
}
