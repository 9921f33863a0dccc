using System.Security.Claims;
using BuyAlerts.Data;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BuyAlerts.Auth;

/// <summary>
/// Issues the shop's JWTs (HS256, signed with the configured secret) and holds the rules JwtBearer checks them with,
/// for the REST API and for the Socket.IO handshake alike (both are HTTP requests through the same middleware).
/// </summary>
public sealed class TokenService(SymmetricSecurityKey key, TimeSpan lifetime, TimeProvider time)
{
    public const string Issuer = "buy-alerts";
    public const string NicknameClaim = "nickname";
    public const string RoleClaim = "role";
    public const string AdminRole = "admin";

    private readonly JsonWebTokenHandler _handler = new();

    public TokenValidationParameters ValidationParameters { get; } = new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = NicknameClaim,
        RoleClaimType = RoleClaim,
    };

    /// <summary>How long a token (and its session) lasts.</summary>
    public TimeSpan Lifetime => lifetime;

    /// <summary>
    /// A token for <paramref name="user"/>: <c>sub</c> is the user id, <c>jti</c> the session it belongs to (sign-out
    /// deletes it), the nickname for display, and <c>role: admin</c> for an administrator.
    /// </summary>
    public (string Token, DateTimeOffset Expires) Issue(User user, string sessionId, DateTimeOffset expires, bool isAdmin)
    {
        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = user.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [JwtRegisteredClaimNames.Jti] = sessionId,
            [NicknameClaim] = user.Nickname,
        };
        if (isAdmin)
        {
            claims[RoleClaim] = AdminRole;
        }
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (the token's <c>sub</c>), or null.</summary>
    public static int? UserId(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;

    /// <summary>The session of the signed-in user's token (its <c>jti</c>), or null.</summary>
    public static string? SessionId(this ClaimsPrincipal principal) => principal.FindFirstValue(JwtRegisteredClaimNames.Jti);
}
