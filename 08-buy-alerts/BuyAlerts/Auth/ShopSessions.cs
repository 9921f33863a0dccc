using System.Security.Cryptography;
using BuyAlerts.Data;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Auth;

/// <summary>
/// Sign-in and sign-out on the server. A JWT alone cannot be taken back: whoever copied it could use it until it
/// expires, sign-out or not. So every token names a session (<c>jti</c>) kept in the database; sign-out deletes it,
/// and JwtBearer accepts a token only while its session is there (<see cref="IsActiveAsync"/>). The database is the
/// one every instance shares, so a sign-out on a holds on b too.
/// </summary>
public sealed class ShopSessions(TokenService tokens, IConfiguration configuration, TimeProvider time)
{
    /// <summary>Writes a new session for <paramref name="user"/> and issues its token.</summary>
    public async Task<(string Token, DateTimeOffset Expires)> StartAsync(ShopDb db, User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now + tokens.Lifetime;
        var sessionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        // The user's expired sessions go now: the table holds what can still be used.
        await db.Sessions.Where(s => s.UserId == user.UserId && s.ExpiresAt < now.UtcDateTime).ExecuteDeleteAsync(cancellationToken);
        db.Sessions.Add(new Session { SessionId = sessionId, UserId = user.UserId, ExpiresAt = expires.UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
        return tokens.Issue(user, sessionId, expires, IsAdmin(user.Email));
    }

    /// <summary>Whether the session of a token still stands (not signed out, not expired).</summary>
    public Task<bool> IsActiveAsync(ShopDb db, string? sessionId, int? userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return sessionId is null || userId is null
            ? Task.FromResult(false)
            : db.Sessions.AnyAsync(s => s.SessionId == sessionId && s.UserId == userId && s.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Sign-out: the session is gone, and with it every copy of its token.</summary>
    public Task EndAsync(ShopDb db, string sessionId, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.SessionId == sessionId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The administrators, by email: <c>Shop:Admins</c> (<c>--Shop:Admins:0=me@example.com</c>). Only they add goods.</summary>
    private bool IsAdmin(string email) =>
        configuration.GetSection("Shop:Admins").Get<string[]>() is { } admins
        && admins.Any(a => string.Equals(a.Trim(), email, StringComparison.OrdinalIgnoreCase));
}
