using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Realtime.Testing;

namespace Cors.Tests;

/// <summary>What a browser would decide about one answer: may the page read it (or is the socket open)?</summary>
public sealed record Verdict(bool Allowed, string Reason)
{
    public override string ToString() => Allowed ? "✔ " + Reason : "✘ " + Reason;
}

/// <summary>
/// Sends the requests a browser sends for the page (with its <c>Origin</c>, its preflights, its cookies) to the API,
/// records each answer's CORS headers in a transcript, and applies the browser's CORS check to it, so a header
/// transcript reads like the devtools Network tab with the Console's verdict beside each request.
/// </summary>
/// <remarks>
/// The check follows the Fetch standard's "CORS check" and "CORS-preflight fetch", reduced to what this step uses.
/// The browser tests run the same cases in a real Chromium, so these verdicts are checked against a real browser.
/// </remarks>
public sealed class CorsProbe(Uri api, Transcript wire) : IDisposable
{
    public const string Cookie = "visitor=guest";

    // UseCookies = false: the Cookie header is set by hand, as the browser does for credentials: "include".
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = api };

    /// <summary>A request the browser sends without a preflight (GET, or POST with a "simple" content type).</summary>
    public async Task<(Verdict Verdict, string Body)> SimpleAsync(HttpMethod method, string path, string origin, bool credentials,
        string? body = null, string contentType = "text/plain;charset=UTF-8")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        if (credentials) request.Headers.Add("Cookie", Cookie);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        wire.Add($"{method} {path}" + (credentials ? $"   (credentials: Cookie: {Cookie})" : "") +
                 (body is null ? "" : $"   body: {body}"));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Record(response, text);
        var verdict = Check(response, origin, credentials) ?? new Verdict(true, "the page reads the answer");
        wire.Add("    browser: " + verdict);
        return (verdict, text);
    }

    /// <summary>The OPTIONS preflight the browser sends before a non-simple request; the request itself only if it passes.</summary>
    public async Task<Verdict> PreflightAsync(string path, string method, string requestHeaders, string origin, bool credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        wire.Add($"OPTIONS {path}   (preflight for {method}, Access-Control-Request-Headers: {requestHeaders}" +
                 (credentials ? ", credentials: include)" : ")"));
        using var response = await _http.SendAsync(request);
        Record(response, await response.Content.ReadAsStringAsync());
        var verdict = Check(response, origin, credentials) ?? CheckPreflight(response, method, requestHeaders, credentials)
            ?? new Verdict(true, $"preflight passed: the browser now sends the {method}");
        wire.Add("    browser: " + verdict);
        return verdict;
    }

    /// <summary>A WebSocket handshake as a page's <c>new WebSocket(url)</c> makes it: with Origin, with cookies, no CORS check.</summary>
    public async Task<Verdict> WebSocketAsync(string pathAndQuery, string origin)
    {
        var uri = new UriBuilder(new Uri(api, pathAndQuery)) { Scheme = "ws" }.Uri;
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.SetRequestHeader("Cookie", Cookie);     // a browser always sends the site's cookies here
        wire.Add($"GET {pathAndQuery}   (WebSocket upgrade, Cookie: {Cookie})");
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
            wire.Add($"    → {(int)socket.HttpStatusCode} {ReasonPhrase(socket.HttpStatusCode)}");
            RecordHeaders(socket.HttpResponseHeaders?.SelectMany(h => h.Value.Select(v => (h.Key, v))) ?? []);
            var refused = new Verdict(false, "refused by the server (the page gets connect_error: websocket error)");
            wire.Add("    browser: " + refused);
            return refused;
        }
        wire.Add($"    → {(int)socket.HttpStatusCode} {ReasonPhrase(socket.HttpStatusCode)}");
        RecordHeaders(socket.HttpResponseHeaders?.SelectMany(h => h.Value.Select(v => (h.Key, v))) ?? []);
        var received = await ReceiveTextAsync(socket, timeout.Token);
        wire.Add("    first frame: " + received);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        var open = new Verdict(true, "connected: no CORS check applies to a WebSocket");
        wire.Add("    browser: " + open);
        return open;
    }

    /// <summary>The CORS check (Fetch standard): null when it passes.</summary>
    private static Verdict? Check(HttpResponseMessage response, string origin, bool credentials)
    {
        var allowOrigin = Header(response, "Access-Control-Allow-Origin");
        if (allowOrigin is null)
            return new Verdict(false, "blocked: no Access-Control-Allow-Origin header");
        if (allowOrigin == "*" && credentials)
            return new Verdict(false, "blocked: Access-Control-Allow-Origin is '*' but the request has credentials");
        if (allowOrigin != "*" && allowOrigin != origin)
            return new Verdict(false, $"blocked: Access-Control-Allow-Origin is {allowOrigin}, not this page's origin");
        if (credentials && Header(response, "Access-Control-Allow-Credentials") != "true")
            return new Verdict(false, "blocked: credentials sent but no Access-Control-Allow-Credentials: true");
        return null;
    }

    /// <summary>The rest of a preflight's check: an ok status, the method and the requested headers allowed.</summary>
    private static Verdict? CheckPreflight(HttpResponseMessage response, string method, string requestHeaders, bool credentials)
    {
        if ((int)response.StatusCode is < 200 or > 299)
            return new Verdict(false, $"blocked: the preflight answer is {(int)response.StatusCode}, not an ok status");
        var methods = List(Header(response, "Access-Control-Allow-Methods"));
        var simpleMethod = method is "GET" or "HEAD" or "POST";
        if (!simpleMethod && !methods.Contains(method) && !(methods.Contains("*") && !credentials))
            return new Verdict(false, $"blocked: {method} is not in Access-Control-Allow-Methods");
        var allowed = List(Header(response, "Access-Control-Allow-Headers"));
        foreach (var header in List(requestHeaders))
        {
            if (!allowed.Contains(header) && !(allowed.Contains("*") && !credentials))
                return new Verdict(false, $"blocked: {header} is not in Access-Control-Allow-Headers");
        }
        return null;
    }

    private static HashSet<string> List(string? value) =>
        new((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private void Record(HttpResponseMessage response, string body)
    {
        wire.Add($"    → {(int)response.StatusCode} {ReasonPhrase(response.StatusCode)}");
        RecordHeaders(response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => (h.Key, v))));
        if (body.Length > 0) wire.Add("    body: " + Shorten(body));
    }

    /// <summary>Only the headers CORS is about (Access-Control-*, Vary, Allow, Set-Cookie), sorted by name: stable and to the point.</summary>
    private void RecordHeaders(IEnumerable<(string Name, string Value)> headers)
    {
        var shown = headers
            .Where(h => h.Name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)
                        || h.Name.Equals("Vary", StringComparison.OrdinalIgnoreCase)
                        || h.Name.Equals("Allow", StringComparison.OrdinalIgnoreCase)
                        || h.Name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            .OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (shown.Count == 0) wire.Add("    (no Access-Control-* headers)");
        foreach (var (name, value) in shown) wire.Add($"    {name}: {value}");
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private static string ReasonPhrase(HttpStatusCode status) =>
        Regex.Replace(status.ToString(), "(?<=[a-z])(?=[A-Z])", " ");

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    public void Dispose() => _http.Dispose();
}
