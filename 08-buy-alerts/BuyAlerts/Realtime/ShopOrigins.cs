using Realtime.EngineIO;
using Realtime.SocketIO;

namespace BuyAlerts.Realtime;

/// <summary>
/// Which pages may open the shop's Socket.IO connection: the shop's own (same scheme, host and port as the request),
/// plus any listed in <c>Shop:AllowedOrigins</c>.
/// </summary>
/// <remarks>
/// The handshake is authenticated by the <c>authorization</c> cookie, and a browser sends that cookie with a
/// WebSocket opened by <b>any</b> page of the same site: another app on <c>localhost:5000</c>, a page on a sibling
/// subdomain. CORS does not apply to a WebSocket, so without a check such a page could act as the signed-in member
/// (cross-site WebSocket hijacking). Setting <c>Cors</c> makes the Engine.IO server refuse a WebSocket whose
/// <c>Origin</c> is not allowed (400; requests without <c>Origin</c>, which are not from a browser page, pass).
/// Comparing with the request's own host needs no list to keep: behind nginx the browser's <c>Origin</c> is nginx's
/// address, and nginx passes that address on as <c>Host</c> (<c>proxy_set_header Host $http_host</c>) and the scheme
/// as <c>X-Forwarded-Proto</c>.
/// </remarks>
public static class ShopOrigins
{
    public static IServiceCollection AddShopOriginCheck(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddOptions<SocketIOServerOptions>().Configure<IHttpContextAccessor, IConfiguration>((options, http, configuration) =>
        {
            var listed = configuration.GetSection("Shop:AllowedOrigins").Get<string[]>() ?? [];
            options.Cors = new EngineCorsOptions
            {
                OriginPredicate = origin => listed.Contains(origin, StringComparer.OrdinalIgnoreCase)
                    || (http.HttpContext?.Request is { } request && IsSameOrigin(origin, request)),
            };
        });
        return services;
    }

    /// <summary>Whether a page at <paramref name="origin"/> is the shop itself: the scheme and host it sent this request to.</summary>
    public static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var page)
        && string.Equals(page.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(page.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
