using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Realtime.EngineIO;

namespace GifChat;

/// <summary>The trust boundaries the book left open: which pages may open a socket, how fast passwords may be guessed.</summary>
public static class ChatGuards
{
    public const string PasswordPolicy = "room-password";

    /// <summary>
    /// The chat's sockets are authenticated by the session cookie, and a browser sends that cookie with a WebSocket
    /// opened by <b>any</b> page (CORS does not cover WebSockets; step 05). Naming the allowed origins turns on the
    /// server's Origin check: a WebSocket whose <c>Origin</c> is not this site's own address or one of
    /// <c>GifChat:Origins</c> is refused before any session exists. (No <c>Origin</c>, as from a console client,
    /// carries nobody else's cookie and is let through.)
    /// </summary>
    public static EngineCorsOptions AllowedOrigins(WebApplication app)
    {
        var configured = app.Services.GetRequiredService<IOptions<GifChatOptions>>().Value.Origins;
        return new EngineCorsOptions
        {
            // app.Urls holds the bound addresses once the server runs (http://localhost:8005, or the test's real port).
            OriginPredicate = origin => configured.Contains(origin, StringComparer.OrdinalIgnoreCase)
                || app.Urls.Any(url => Uri.TryCreate(url, UriKind.Absolute, out var own)
                    && string.Equals(own.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase)),
        };
    }

    /// <summary>
    /// ASP.NET Core's rate limiter on the room password form: <c>GifChat:PasswordAttempts</c> tries per client
    /// address per window, then 429 with <c>Retry-After</c>. Only the POST is counted; opening a room page is not.
    /// </summary>
    public static IServiceCollection AddPasswordRateLimit(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (rejected, ct) =>
        {
            var response = rejected.HttpContext.Response;
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("비밀번호를 너무 많이 시도했습니다. 잠시 후 다시 시도하세요.", ct);
        };
        o.AddPolicy(PasswordPolicy, context =>
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                return RateLimitPartition.GetNoLimiter("");
            }
            var options = context.RequestServices.GetRequiredService<IOptions<GifChatOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new()
            {
                PermitLimit = options.PasswordAttempts,
                Window = options.PasswordWindow,
                QueueLimit = 0,
            });
        });
    });
}
