using System.Security.Claims;
using BuyAlerts.Data;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BuyAlerts.Auth;

/// <summary>
/// Issues and checks the shop's JWTs (HS256, signed with the configured secret). The same validation rules serve the
/// REST API (through JwtBearer) and the Socket.IO handshake (through <see cref="ValidateAsync"/>).
/// </summary>
public sealed class TokenService(SymmetricSecurityKey key, TimeSpan lifetime, TimeProvider time)
{
    public const string Issuer = "buy-alerts";
    public const string NicknameClaim = "nickname";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public TimeSpan Lifetime => lifetime;

    public TokenValidationParameters ValidationParameters { get; } = new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = NicknameClaim,
    };

    /// <summary>A token for <paramref name="user"/>: <c>sub</c> is the user id, plus the nickname for display.</summary>
    public (string Token, DateTimeOffset Expires) Issue(User user)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [NicknameClaim] = user.Nickname,
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    /// <summary>The user id inside a valid token, or null when the token is missing, forged or expired.</summary>
    public async Task<int?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid ? new ClaimsPrincipal(result.ClaimsIdentity).UserId() : null;
    }
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (the token's <c>sub</c>), or null.</summary>
    public static int? UserId(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;
}
