using BuyAlerts.Auth;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Api;

public sealed record SignInRequest(string? Email, string? Password);

public sealed record SignInResponse(string Token);

/// <summary>The post's routes/auth.js: sign in (<c>POST /api/auth</c>), plus the sign-out it lacked (<c>DELETE /api/auth</c>).</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth", SignIn).RequireRateLimiting(SignInLimits.Policy); // a few guesses a minute per address
        api.MapDelete("/auth", SignOut);
        return api;
    }

    private static async Task<Results<Ok<SignInResponse>, BadRequest<ApiError>>> SignIn(
        SignInRequest request, HttpResponse response, ShopDb db, IPasswordHasher<User> hasher, ShopSessions sessions,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return ApiError.BadRequest(Messages.MissingCredentials);
        }
        var email = request.Email.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        var verdict = user is null
            ? PasswordVerificationResult.Failed
            : hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            // One message for "no such email" and "wrong password": do not tell which emails exist.
            return ApiError.BadRequest(Messages.WrongCredentials);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
            await db.SaveChangesAsync(cancellationToken);
        }

        var (token, expires) = await sessions.StartAsync(db, user, cancellationToken); // a session row + its token
        AuthCookie.Append(response, token, expires); // the pages (and the socket handshake) send it back
        return TypedResults.Ok(new SignInResponse(token)); // other clients send it as Authorization: Bearer
    }

    /// <summary>
    /// Sign-out ends the session on the server (every copy of the token stops working, on every instance) and clears
    /// the cookie. Without a valid token there is nothing to end: the cookie is cleared all the same.
    /// </summary>
    private static async Task<NoContent> SignOut(HttpContext context, ShopDb db, ShopSessions sessions, CancellationToken cancellationToken)
    {
        if (context.User.SessionId() is { } sessionId)
        {
            await sessions.EndAsync(db, sessionId, cancellationToken);
        }
        AuthCookie.Delete(context.Response);
        return TypedResults.NoContent();
    }
}
