namespace Cors.Api;

/// <summary>
/// The step's switch (<c>Cors:Mode</c>) and the page's origins (<c>Cors:Origins</c>, comma-separated).
/// </summary>
public sealed record CorsSettings(CorsMode Mode, string[] Origins)
{
    public const string DefaultOrigin = "http://localhost:3000";

    public static CorsSettings From(IConfiguration configuration)
    {
        var modeText = configuration["Cors:Mode"] ?? "both";
        var mode = modeText.ToLowerInvariant() switch
        {
            "none" => CorsMode.None,
            "http" => CorsMode.Http,
            "both" => CorsMode.Both,
            "star-credentials" => CorsMode.StarCredentials,
            // A typo must not silently start an open (or a closed) server: say what the choices are.
            _ => throw new InvalidOperationException(
                $"Cors:Mode '{modeText}' is unknown; use none, http, both or star-credentials."),
        };
        var origins = (configuration["Cors:Origins"] ?? DefaultOrigin)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))                 // the browser's Origin never ends with a slash
            .ToArray();
        if (origins.Length == 0 || !origins.All(IsSerializedOrigin))
        {
            throw new InvalidOperationException(
                $"Cors:Origins must list full origins such as {DefaultOrigin} (scheme + host + port), not '{configuration["Cors:Origins"]}'.");
        }
        return new CorsSettings(mode, origins);
    }

    /// <summary>
    /// An origin as a browser writes it in the Origin header: <c>http(s)://host[:port]</c>, no path, no default port.
    /// </summary>
    private static bool IsSerializedOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), text, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a browser's <c>Origin</c> header names one of the page's origins (exact, case-insensitive).</summary>
    public bool IsAllowed(string? origin) =>
        origin is not null && Origins.Contains(origin, StringComparer.OrdinalIgnoreCase);
}

public enum CorsMode
{
    /// <summary>No CORS at all: the browser blocks the page's fetch and the socket's polling handshake.</summary>
    None,

    /// <summary>An ASP.NET Core CORS policy on /api only: fetch works, the socket's polling is still blocked.</summary>
    Http,

    /// <summary>The HTTP policy plus the Socket.IO server's own cors option and an Origin check: everything works.</summary>
    Both,

    /// <summary>Post 000's headers: <c>Access-Control-Allow-Origin: *</c> with credentials, which browsers refuse.</summary>
    StarCredentials,
}
