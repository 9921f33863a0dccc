using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GifChat.Tests;

/// <summary>
/// The session and antiforgery cookies carry <c>Secure</c> when the page is served over HTTPS (so the browser never
/// sends them over plain HTTP), and not over HTTP (where a <c>Secure</c> cookie would never come back). The app runs
/// on both, with a self-signed certificate made here.
/// </summary>
public sealed class SecureCookieTests
{
    [Fact]
    public async Task Session_and_antiforgery_cookies_are_Secure_over_https_only()
    {
        var folder = Directory.CreateTempSubdirectory("gif-chat-tls").FullName;
        var pfx = Path.Combine(folder, "localhost.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"));
        }
        await using var server = await GifChatServer.StartAsync(extra: new()
        {
            ["urls"] = "http://127.0.0.1:0;https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "test",
        });
        var addresses = server.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var https = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));

        using var handler = new HttpClientHandler
        {
            UseCookies = false,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        using var client = new HttpClient(handler);
        var overHttps = await CookiesOf(client, new Uri(https, "/room"));
        var overHttp = await CookiesOf(client, new Uri(server.BaseAddress, "/room"));

        Assert.Equal(2, overHttps.Count);                    // gifchat.sid and .AspNetCore.Antiforgery.*
        Assert.All(overHttps, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, overHttp.Count);
        Assert.All(overHttp, c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<List<string>> CookiesOf(HttpClient client, Uri page)
    {
        using var response = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. response.Headers.GetValues("Set-Cookie")
            .Where(c => c.StartsWith("gifchat.sid=", StringComparison.Ordinal) || c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal))];
    }
}
