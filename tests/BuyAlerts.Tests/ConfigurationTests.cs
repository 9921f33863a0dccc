using System.Net;
using System.Net.Http.Json;

namespace BuyAlerts.Tests;

/// <summary>Where the signing secret comes from: configuration, or a generated development secret kept on disk.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData(null, "Jwt:Secret is not configured")]
    [InlineData("too-short", "Jwt:Secret must be at least 32 characters long")]
    public async Task Outside_development_the_app_refuses_to_start_without_a_real_secret(string? secret, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            ShopServer.StartAsync(new Dictionary<string, string?> { ["Jwt:Secret"] = secret }, environment: "Production"));

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_a_secret_is_generated_once_and_kept_so_sign_ins_survive_a_restart()
    {
        var folder = ShopServer.NewTempFolder();
        var secretFile = Path.Combine(folder, "dev-jwt-secret.txt");
        var settings = new Dictionary<string, string?> { ["Jwt:Secret"] = null, ["Jwt:DevelopmentSecretPath"] = secretFile };
        try
        {
            string token;
            await using (var first = await ShopServer.StartAsync(settings, folder: folder))
            {
                token = (await first.NewMemberAsync("민수")).Token;
            }
            var secret = await File.ReadAllTextAsync(secretFile);
            Assert.True(secret.Trim().Length >= 32);

            await using var second = await ShopServer.StartAsync(settings, folder: folder);
            var me = await ShopServer.WithBearer(second.CreateClient(), token).GetAsync("/api/users/me");

            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(secret, await File.ReadAllTextAsync(secretFile));
            Assert.Contains("민수", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_token_signed_with_the_configured_secret_is_refused_by_a_shop_with_another_secret()
    {
        string token;
        await using (var first = await ShopServer.StartAsync())
        {
            token = (await first.NewMemberAsync("지수")).Token;
        }
        await using var other = await ShopServer.StartAsync(new Dictionary<string, string?> { ["Jwt:Secret"] = new string('k', 40) });
        await other.NewMemberAsync("민수"); // user 1 exists there too: only the signature can tell the tokens apart

        var me = await ShopServer.WithBearer(other.CreateClient(), token).GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("로그인 후 이용 가능한 기능입니다.", (await me.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errorMessage").GetString());
    }
}
