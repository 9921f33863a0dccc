using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GifChat.Tests;

/// <summary>
/// A visitor over plain HTTP, as a browser would be: a cookie jar (the session cookie and the antiforgery cookie),
/// no automatic redirects (the tests look at where each answer sends them), and the page's antiforgery token.
/// </summary>
public sealed partial class TestVisitor : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly Uri _baseAddress;

    public TestVisitor(Uri baseAddress)
    {
        _baseAddress = baseAddress;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
    }

    public HttpClient Http { get; }

    /// <summary>The antiforgery token of the last page loaded (forms and the room's script send it).</summary>
    public string? Token { get; private set; }

    /// <summary>This visitor's colour, read from the page header; set after the first page.</summary>
    public string? Color { get; private set; }

    /// <summary>The <c>Cookie</c> header a browser would send: what a Socket.IO client must carry to share the session.</summary>
    public string CookieHeader => _cookies.GetCookieHeader(_baseAddress);

    /// <summary>GETs a page; remembers its token and the colour it shows.</summary>
    public async Task<(HttpStatusCode Status, string Html, string? Location)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Remember(html);
        return (response.StatusCode, html, response.Headers.Location?.OriginalString);
    }

    /// <summary>POSTs a form with the current token (loading <paramref name="formPage"/> first for a token).</summary>
    public async Task<(HttpStatusCode Status, string Html, string? Location)> PostFormAsync(
        string path, IEnumerable<KeyValuePair<string, string>> fields, string formPage, bool withToken = true)
    {
        await GetAsync(formPage);
        var all = fields.ToList();
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", Token!));
        }
        using var response = await Http.PostAsync(path, new FormUrlEncodedContent(all));
        var html = await response.Content.ReadAsStringAsync();
        Remember(html);
        return (response.StatusCode, html, response.Headers.Location?.OriginalString);
    }

    /// <summary>POST /room; returns the created room's id (from the redirect to /room/{id}).</summary>
    public async Task<int> CreateRoomAsync(string title, int max = 10, string password = "")
    {
        var (status, html, location) = await PostFormAsync("/room",
            [new("title", title), new("max", max.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("password", password)],
            "/room");
        Assert.True(status == HttpStatusCode.Redirect, $"{status}: {html}");
        var match = RoomLocation().Match(location!);
        Assert.True(match.Success, location);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>POST /room/{id} with a password (the lobby's 입장 on a private room).</summary>
    public Task<(HttpStatusCode Status, string Html, string? Location)> EnterWithPasswordAsync(int roomId, string password) =>
        PostFormAsync($"/room/{roomId}", [new("password", password)], "/");

    /// <summary>POST /room/{id}/chat {chat} with the token in the header, as the room's script does.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SayAsync(int roomId, string chat, bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/room/{roomId}/chat") { Content = JsonContent.Create(new { chat }) };
        if (withToken && Token is not null)
        {
            request.Headers.Add("RequestVerificationToken", Token);
        }
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>POST /room/{id}/gif as multipart/form-data with one file field <c>gif</c>.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendGifAsync(int roomId, byte[] content, string fileName, string contentType = "image/gif")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new(contentType);
        form.Add(file, "gif", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/room/{roomId}/gif") { Content = form };
        if (Token is not null)
        {
            request.Headers.Add("RequestVerificationToken", Token);
        }
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public void Dispose() => Http.Dispose();

    private void Remember(string html)
    {
        if (TokenInput().Match(html) is { Success: true } token)
        {
            Token = token.Groups[1].Value;
        }
        if (ColorBadge().Match(html) is { Success: true } color)
        {
            Color = color.Groups[1].Value;
        }
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex TokenInput();

    [GeneratedRegex("""<span class="me">나: <b style="color: (#[0-9a-f]{6})">""")]
    private static partial Regex ColorBadge();

    [GeneratedRegex(@"^/room/(\d+)$")]
    private static partial Regex RoomLocation();
}
