using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Realtime.EngineIO;

/// <summary>The headers of the <c>cors</c> npm middleware, which Node's engine.io runs before everything else.</summary>
internal static class EngineCors
{
    public static void Apply(EngineCorsOptions options, HttpRequest request, IHeaderDictionary headers, bool preflight)
    {
        string? origin = request.Headers.Origin;
        var anyOrigin = options.OriginPredicate is null && (options.Origins.Count == 0 || options.Origins is ["*"]);
        if (anyOrigin)
        {
            headers.AccessControlAllowOrigin = "*";
        }
        else if (options.OriginPredicate is null && options.Origins.Count == 1)
        {
            // A single configured origin is always sent; the browser compares it.
            headers.AccessControlAllowOrigin = options.Origins[0];
            AddVary(headers, "Origin");
        }
        else
        {
            // Several origins or a predicate: reflect the request's origin when it is allowed.
            if (origin is not null && options.IsOriginAllowed(origin)) headers.AccessControlAllowOrigin = origin;
            AddVary(headers, "Origin");
        }
        if (options.Credentials) headers.AccessControlAllowCredentials = "true";

        if (preflight)
        {
            headers.AccessControlAllowMethods = string.Join(',', options.Methods);
            if (options.AllowedHeaders is null)
            {
                // Echo what the browser asks for.
                AddVary(headers, "Access-Control-Request-Headers");
                var requested = request.Headers.AccessControlRequestHeaders;
                if (!StringValues.IsNullOrEmpty(requested)) headers.AccessControlAllowHeaders = requested;
            }
            else if (options.AllowedHeaders.Count > 0)
            {
                headers.AccessControlAllowHeaders = string.Join(',', options.AllowedHeaders);
            }
            if (options.MaxAge is { } maxAge) headers.AccessControlMaxAge = ((long)maxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (options.ExposedHeaders is { Count: > 0 } exposed) headers.AccessControlExposeHeaders = string.Join(',', exposed);
    }

    private static void AddVary(IHeaderDictionary headers, string field)
    {
        var current = headers.Vary.ToString();
        headers.Vary = string.IsNullOrEmpty(current) ? field : current + ", " + field;
    }
}
