using Microsoft.Extensions.Primitives;

namespace Cors.Api;

public sealed record EchoRequest(string? Text);

public sealed record LoginRequest(string? Name);

public sealed record Post(int Id, string Title, string Content);

public static class Posts
{
    public static readonly Post[] All =
    [
        new(1, "First post", "Served by the API on port 8080."),
        new(2, "Second post", "Read by a page from port 3000: another origin."),
    ];
}

/// <summary>The <c>visitor</c> cookie set by <c>POST /api/login</c>; it shows whether credentials travelled.</summary>
public static class Visitor
{
    public const string CookieName = "visitor";

    /// <summary>Reads the cookie from a raw <c>Cookie</c> header (also the Socket.IO handshake's headers).</summary>
    public static string? FromCookieHeader(StringValues header)
    {
        foreach (var line in header)
        {
            foreach (var pair in (line ?? "").Split(';', StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(CookieName))
                {
                    var value = Uri.UnescapeDataString(pair[(equals + 1)..]);   // Cookies.Append escaped it
                    return value.Length > 0 ? value : null;
                }
            }
        }
        return null;
    }
}

/// <summary>
/// Post 000's hand-written CORS headers, kept to show why they fail: <c>Access-Control-Allow-Origin: *</c> together
/// with <c>Access-Control-Allow-Credentials: true</c>. Browsers refuse that pair for any request that sends cookies
/// (ASP.NET Core's own CORS policy even refuses to start with AllowAnyOrigin + AllowCredentials).
/// </summary>
public static class StarCorsMiddleware
{
    public static Task Invoke(HttpContext context, Func<Task> next)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return next();
        }
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlAllowMethods = "OPTIONS, GET, POST, PUT, PATCH, DELETE";
        headers.AccessControlAllowHeaders = "Content-Type, Authorization";
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;   // answer the preflight here
            return Task.CompletedTask;
        }
        return next();
    }
}
