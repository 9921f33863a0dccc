using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>
/// The real shop on a free port, with its SQLite file in a fresh temporary folder and a test signing secret.
/// Deleted again on dispose.
/// </summary>
public sealed class ShopServer : IAsyncDisposable
{
    public const string TestSecret = "test-secret-for-buy-alerts-0123456789abcdef";

    /// <summary>The one administrator the test shop knows (<c>Shop:Admins</c>): only they may add goods.</summary>
    public const string AdminEmail = "admin@example.com";

    private static int s_lastClientAddress;

    private readonly string _folder;
    private readonly bool _ownsFolder;

    private ShopServer(RunningApp<Program> app, string folder, bool ownsFolder)
    {
        App = app;
        _folder = folder;
        _ownsFolder = ownsFolder;
    }

    public RunningApp<Program> App { get; }
    public Uri BaseAddress => App.BaseAddress;
    public Transcript Log => App.Log;

    /// <summary>Starts the shop. The Socket.IO library's own log lines (categories <c>Realtime.*</c>) are kept to warnings.</summary>
    /// <param name="folder">The data folder; by default a new temporary one, deleted on dispose. A given folder is kept.</param>
    public static async Task<ShopServer> StartAsync(
        IDictionary<string, string?>? settings = null, Transcript? log = null, string? folder = null, string environment = "Development")
    {
        var ownsFolder = folder is null;
        folder ??= NewTempFolder();
        Directory.CreateDirectory(folder);
        var all = new Dictionary<string, string?>
        {
            ["Shop:DatabasePath"] = Path.Combine(folder, "shop.db"),
            ["Jwt:Secret"] = TestSecret,
            ["Shop:Admins:0"] = AdminEmail,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        try
        {
            var app = await RunningApp<Program>.StartAsync(all, log, web =>
                web.ConfigureLogging(logging => logging.AddFilter("Realtime", LogLevel.Warning)), environment);
            return new ShopServer(app, folder, ownsFolder);
        }
        catch when (ownsFolder)
        {
            Directory.Delete(folder, recursive: true); // the shop did not start (a test of a bad configuration)
            throw;
        }
    }

    public static string NewTempFolder() => Path.Combine(Path.GetTempPath(), "buy-alerts-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A client that keeps cookies, as a browser does.</summary>
    /// <param name="address">The client's own address (see <see cref="NewClientAddress"/>); by default a new one.</param>
    public HttpClient CreateBrowserLikeClient(CookieContainer? cookies = null, string? address = null) =>
        From(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }, address);

    /// <summary>A client without cookies; add a token with <see cref="WithBearer"/>.</summary>
    /// <param name="address">The client's own address (see <see cref="NewClientAddress"/>); by default a new one.</param>
    public HttpClient CreateClient(string? address = null) => From(new HttpClientHandler { UseCookies = false }, address);

    /// <summary>
    /// Every test client stands for a different machine: all of them connect from 127.0.0.1, so each sends its own
    /// address as <c>X-Forwarded-For</c>, as nginx does for the browsers behind it (the shop trusts it from loopback
    /// only). Sign-ins are rate-limited per address, and the tests of one shop are many people, not one.
    /// </summary>
    public static string NewClientAddress()
    {
        var n = Interlocked.Increment(ref s_lastClientAddress);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    private HttpClient From(HttpClientHandler handler, string? address)
    {
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address ?? NewClientAddress());
        return client;
    }

    public static HttpClient WithBearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers a fresh member and signs in with a cookie-keeping client.</summary>
    public async Task<Member> NewMemberAsync(string nickname, string password = "1234", string? email = null)
    {
        email ??= $"{Guid.NewGuid():N}@example.com";
        var cookies = new CookieContainer();
        var client = CreateBrowserLikeClient(cookies);
        var signUp = await client.PostAsJsonAsync("/api/users", new { email, nickname, password, confirmPassword = password });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var signIn = await client.PostAsJsonAsync("/api/auth", new { email, password });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new Member(email, nickname, password, token, client, cookies);
    }

    private readonly SemaphoreSlim _adminGate = new(1, 1);
    private Member? _admin;

    /// <summary>The administrator (<see cref="AdminEmail"/>), signed up and in on first use.</summary>
    public async Task<Member> AdminAsync()
    {
        await _adminGate.WaitAsync();
        try
        {
            return _admin ??= await NewMemberAsync("관리자", email: AdminEmail);
        }
        finally
        {
            _adminGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsFolder)
        {
            return;
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform: the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>A signed-up, signed-in member: the client keeps the <c>authorization</c> cookie.</summary>
public sealed record Member(string Email, string Nickname, string Password, string Token, HttpClient Client, CookieContainer Cookies)
{
    /// <summary>The cookie header a browser would send: <c>authorization=Bearer%20&lt;jwt&gt;</c>.</summary>
    public string CookieHeader(Uri address) => Cookies.GetCookieHeader(address);
}
