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
        api.MapPost("/auth", SignIn);
        api.MapDelete("/auth", SignOut);
        return api;
    }

    private static async Task<Results<Ok<SignInResponse>, BadRequest<ApiError>>> SignIn(
        SignInRequest request, HttpResponse response, ShopDb db, IPasswordHasher<User> hasher, TokenService tokens,
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

        var (token, expires) = tokens.Issue(user);
        AuthCookie.Append(response, token, expires); // the pages (and the socket handshake) send it back
        return TypedResults.Ok(new SignInResponse(token)); // other clients send it as Authorization: Bearer
    }

    private static NoContent SignOut(HttpResponse response)
    {
        AuthCookie.Delete(response);
        return TypedResults.NoContent();
    }
}
