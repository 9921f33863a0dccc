using System.Globalization;
using System.Threading.RateLimiting;
using BuyAlerts.Api;
using Microsoft.AspNetCore.RateLimiting;

namespace BuyAlerts.Auth;

/// <summary>
/// ASP.NET Core's rate limiter on sign-in and sign-up: at most 10 attempts a minute from one client address, then
/// 429 <c>요청이 너무 많습니다. ...</c> with <c>Retry-After</c>. Guessing passwords becomes slow, and so does
/// making accounts by the thousand.
/// </summary>
/// <remarks>
/// The address is the client's as <see cref="ShopProxy"/> reads it (behind nginx: <c>X-Forwarded-For</c>). The
/// counts live in each process, so two instances allow twice as many guesses from one address (nginx keeps a
/// browser on one instance; a script without the <c>shop_node</c> cookie gets round robin). A shared count would
/// live in Redis; for guessing passwords twice a slow rate is still slow.
/// </remarks>
public static class SignInLimits
{
    public const string Policy = "sign-in";
    public const int PermitLimit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddSignInLimits(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                await response.WriteAsJsonAsync(new ApiError(Messages.TooManyRequests), cancellationToken);
            };
        });
}
