namespace Cors.Web;

/// <summary>
/// The API origins the page may call: <c>Cors:Api</c> (the default, <c>http://localhost:8080</c>) and
/// <c>Cors:OtherApis</c> (comma-separated). The page loads a <c>&lt;script&gt;</c> from the API and sends it cookies,
/// so the API's address is as trusted as the page's own code: a link may choose among these origins with
/// <c>?api=</c>, never name a new one. Each is reduced to its origin (scheme + host + port); anything that is not an
/// absolute http(s) URL stops the app with a clear message.
/// </summary>
public static class ApiOrigins
{
    public static (string Api, string[] Apis) Read(IConfiguration config)
    {
        var api = Origin("Cors:Api", config["Cors:Api"] ?? "http://localhost:8080");
        var others = (config["Cors:OtherApis"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(value => Origin("Cors:OtherApis", value));
        return (api, [api, .. others.Where(o => o != api).Distinct()]);
    }

    private static string Origin(string key, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new InvalidOperationException($"{key}: \"{value}\" is not an absolute http(s) URL such as http://localhost:8080.");
}
