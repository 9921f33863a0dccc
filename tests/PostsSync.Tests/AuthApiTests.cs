using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using PostsSync.Data;

namespace PostsSync.Tests;

/// <summary>/auth/signup, /auth/login and /auth/status, each answer and each failure.</summary>
public sealed class AuthApiTests
{
    [Fact]
    public async Task Signup_creates_the_user_with_a_hashed_password()
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();

        var response = await client.PutAsJsonAsync("/auth/signup", new { email = " Kim@Example.com ", password = "secret1", name = "Kim" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("User created!", body.GetProperty("message").GetString());
        var userId = body.GetProperty("userId").GetInt32();

        using var scope = app.App.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<PostsDb>().Users.SingleAsync(u => u.Id == userId);
        Assert.Equal("kim@example.com", user.Email);               // trimmed and lower-cased
        Assert.Equal("I am new!", user.Status);
        Assert.DoesNotContain("secret1", user.PasswordHash);
        Assert.StartsWith("AQAAAA", user.PasswordHash);             // PasswordHasher v3 format: PBKDF2 with a salt
    }

    [Fact]
    public async Task Signup_with_wrong_fields_is_422_with_one_error_per_field_and_no_password_echo()
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();

        var response = await client.PutAsJsonAsync("/auth/signup", new { email = "not-an-email", password = "abc", name = "  " });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Validation failed.", body.GetProperty("message").GetString());
        var errors = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["email", "password", "name"], errors.Select(e => e.GetProperty("path").GetString()));
        Assert.Equal("Please enter a valid email.", errors[0].GetProperty("msg").GetString());
        Assert.Equal("not-an-email", errors[0].GetProperty("value").GetString());
        Assert.False(errors[1].TryGetProperty("value", out _), "a password is never sent back");
        Assert.DoesNotContain("abc", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signup_with_an_email_already_used_is_422_whatever_its_case()
    {
        await using var app = await PostsSyncServer.StartAsync();
        await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client();

        var response = await client.PutAsJsonAsync("/auth/signup", new { email = "KIM@example.com", password = "other12", name = "Kim2" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("email", error.GetProperty("path").GetString());
        Assert.Equal("E-Mail address already exists!", error.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_400_with_a_message_not_a_crash()
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();

        var response = await client.PutAsync("/auth/signup", new StringContent("{\"email\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bad request: the body is not valid JSON.", body.GetProperty("message").GetString());
        Assert.Equal(0, body.GetProperty("data").GetArrayLength());
        // ...and the server keeps serving.
        var next = await client.PutAsJsonAsync("/auth/signup", new { email = "lee@example.com", password = "secret1", name = "Lee" });
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    [Fact]
    public async Task Login_returns_a_token_valid_for_one_hour_and_the_user_id()
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();
        var signup = await client.PutAsJsonAsync("/auth/signup", new { email = "kim@example.com", password = "secret1", name = "Kim" });
        var userId = (await signup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetInt32();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = "Kim@example.com", password = "secret1" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(userId, body.GetProperty("userId").GetInt32());
        var token = new JsonWebToken(body.GetProperty("token").GetString());
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), token.GetClaim("userId").Value);
        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.IssuedAt);
        Assert.False(token.TryGetClaim("email", out _), "the token carries the id only");
    }

    [Fact]
    public async Task Login_answers_an_unknown_email_and_a_wrong_password_the_same()
    {
        await using var app = await PostsSyncServer.StartAsync();
        await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client();

        var unknown = await client.PostAsJsonAsync("/auth/login", new { email = "nobody@example.com", password = "secret1" });
        var wrong = await client.PostAsJsonAsync("/auth/login", new { email = "kim@example.com", password = "secret2" });

        // Nothing tells whether kim@example.com has an account: same status, same body.
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(unknownBody, await wrong.Content.ReadAsStringAsync());
        Assert.Equal("""{"message":"Wrong email or password.","data":[]}""", unknownBody);
    }

    [Fact]
    public async Task Sign_in_attempts_over_the_limit_are_429_without_checking_the_password()
    {
        await using var app = await PostsSyncServer.StartAsync(settings: new() { ["Posts:SignInAttempts"] = "4" });
        await app.SignUpAndLogInAsync("Kim");                        // attempts 1 and 2
        using var client = app.Client();
        var wrong = await client.PostAsJsonAsync("/auth/login", new { email = "kim@example.com", password = "guess1" });
        var alsoWrong = await client.PostAsJsonAsync("/auth/login", new { email = "kim@example.com", password = "guess2" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, alsoWrong.StatusCode);

        // The fifth attempt in the minute is refused, even with the right password; sign-up counts too.
        var right = await client.PostAsJsonAsync("/auth/login", new { email = "kim@example.com", password = "secret1" });
        var signup = await client.PutAsJsonAsync("/auth/signup", new { email = "lee@example.com", password = "secret1", name = "Lee" });

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("""{"message":"Too many attempts. Try again later.","data":[]}""", await right.Content.ReadAsStringAsync());
        Assert.True(int.Parse(right.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, signup.StatusCode);
        // Other routes are not limited.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/feed/posts")).StatusCode);
    }

    [Fact]
    public async Task Status_starts_as_I_am_new_and_patch_changes_it()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var before = await client.GetFromJsonAsync<JsonElement>("/auth/status");
        var patch = await client.PatchAsJsonAsync("/auth/status", new { status = "  Busy writing  " });
        var after = await client.GetFromJsonAsync<JsonElement>("/auth/status");

        Assert.Equal("I am new!", before.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("User updated.", (await patch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal("Busy writing", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_empty_status_is_422()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PatchAsJsonAsync("/auth/status", new { status = "   " });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray());
        Assert.Equal("status", error.GetProperty("path").GetString());
        Assert.Equal("I am new!", (await client.GetFromJsonAsync<JsonElement>("/auth/status")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    public async Task Status_without_a_token_is_401(string method)
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/auth/status")
        {
            Content = JsonContent.Create(new { status = "Hi there" }),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not authenticated.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }
}
