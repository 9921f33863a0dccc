using Microsoft.AspNetCore.HttpOverrides;

namespace BuyAlerts.Hosting;

/// <summary>
/// Behind nginx (README "More than one server") every request comes from 127.0.0.1 over plain HTTP. nginx says who
/// the client really is (<c>X-Forwarded-For</c>) and whether the browser spoke HTTPS to it (<c>X-Forwarded-Proto</c>);
/// believed only from a proxy on this machine (loopback, ASP.NET Core's default), and only the last hop.
/// </summary>
/// <remarks>
/// That gives the sign-in limit a client address per browser instead of one for everyone (nginx's), and makes
/// <c>Request.IsHttps</c> true when the browser used HTTPS, so the <c>authorization</c> cookie is <c>Secure</c>.
/// </remarks>
public static class ShopProxy
{
    public static IServiceCollection AddShopProxy(this IServiceCollection services) =>
        services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
}
