extern alias api;

using Microsoft.AspNetCore.Cors.Infrastructure;
using Realtime.Testing;

namespace Cors.Tests;

/// <summary>Mistakes in the CORS settings stop the app at start with a message that says what to write instead.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Cors:Mode", "open", "Cors:Mode 'open' is unknown; use none, http, both or star-credentials.")]
    [InlineData("Cors:Origins", "*", "Cors:Origins must list full origins such as http://localhost:3000 (scheme + host + port), not '*'.")]
    [InlineData("Cors:Origins", "localhost:3000", "Cors:Origins must list full origins such as http://localhost:3000 (scheme + host + port), not 'localhost:3000'.")]
    public async Task A_bad_setting_stops_the_app_with_a_clear_message(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?> { [key] = value });
        });
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Several_origins_are_comma_separated_and_each_one_is_echoed_back()
    {
        await using var app = await RunningApp<api::Program>.StartAsync(new Dictionary<string, string?>
        {
            ["Cors:Mode"] = "both",
            ["Cors:Origins"] = "http://localhost:3000, http://localhost:5173/",
        });
        using var http = app.CreateClient();
        foreach (var origin in new[] { "http://localhost:3000", "http://localhost:5173" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/socket.io/?EIO=4&transport=polling");
            request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Assert.Equal(origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        }
    }

    [Fact]
    public void AspNetCore_refuses_any_origin_together_with_credentials()
    {
        // What post 000 wrote by hand ("*" + Allow-Credentials: true) cannot even be built as an ASP.NET Core policy.
        var builder = new CorsPolicyBuilder().AllowAnyOrigin().AllowCredentials();
        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("does not allow specifying a wildcard (any) origin and credentials at the same time", error.Message);
    }
}
