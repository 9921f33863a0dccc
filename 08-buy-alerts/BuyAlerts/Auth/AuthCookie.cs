namespace BuyAlerts.Auth;

/// <summary>
/// The post's cookie: <c>authorization=Bearer &lt;jwt&gt;</c>. HttpOnly (page scripts cannot read the token),
/// SameSite=Lax (other sites cannot send it with their POSTs). The browser sends it with every request to the shop,
/// including the Socket.IO handshake, which is how the server knows who is buying.
/// </summary>
public static class AuthCookie
{
    public const string Name = "authorization";
    private const string Scheme = "Bearer ";

    public static void Append(HttpResponse response, string token, DateTimeOffset expires) =>
        response.Cookies.Append(Name, Scheme + token, Options(response.HttpContext, expires));

    /// <summary>Sign-out: the browser forgets the cookie (the post had no sign-out on the server).</summary>
    public static void Delete(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(response.HttpContext, expires: null));

    /// <summary>The token inside a cookie value <c>Bearer &lt;jwt&gt;</c>, or null.</summary>
    public static string? TokenFrom(string? cookieValue) =>
        cookieValue is not null && cookieValue.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? cookieValue[Scheme.Length..].Trim()
            : null;

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
    };
}
