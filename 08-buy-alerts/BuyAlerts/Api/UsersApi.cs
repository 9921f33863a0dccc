using System.Security.Claims;
using BuyAlerts.Auth;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Api;

public sealed record SignUpRequest(string? Email, string? Nickname, string? Password, string? ConfirmPassword);

public sealed record UserView(string Email, string Nickname);

/// <summary>The post's routes/users.js: sign up (<c>POST /api/users</c>) and who am I (<c>GET /api/users/me</c>).</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/users", SignUp).RequireRateLimiting(SignInLimits.Policy);
        api.MapGet("/users/me", Me).RequireAuthorization();
        return api;
    }

    private static async Task<Results<Created<object>, BadRequest<ApiError>>> SignUp(
        SignUpRequest request, ShopDb db, IPasswordHasher<User> hasher, CancellationToken cancellationToken)
    {
        var email = Validation.NormalizeEmail(request.Email);
        var nickname = request.Nickname?.Trim();
        if (email is null)
        {
            return ApiError.BadRequest(Messages.InvalidEmail);
        }
        if (!Validation.IsNickname(nickname))
        {
            return ApiError.BadRequest(Messages.InvalidNickname);
        }
        if (request.Password is not { Length: >= 4 and <= 100 })
        {
            return ApiError.BadRequest(Messages.InvalidPassword);
        }
        if (request.Password != request.ConfirmPassword)
        {
            return ApiError.BadRequest(Messages.PasswordMismatch);
        }
        if (await db.Users.AnyAsync(u => u.Email == email || u.Nickname == nickname, cancellationToken))
        {
            return ApiError.BadRequest(Messages.EmailOrNicknameTaken);
        }

        var user = new User { Email = email, Nickname = nickname! };
        user.PasswordHash = hasher.HashPassword(user, request.Password); // the post stored the password itself
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two sign-ups raced for the same email or nickname: the unique index decided.
            return ApiError.BadRequest(Messages.EmailOrNicknameTaken);
        }
        return TypedResults.Created("/api/users/me", (object)new { });
    }

    private static async Task<Results<Ok<object>, JsonHttpResult<ApiError>>> Me(
        ClaimsPrincipal principal, ShopDb db, CancellationToken cancellationToken)
    {
        var user = await db.Users.FindAsync([principal.UserId()], cancellationToken);
        if (user is null)
        {
            return ApiError.Unauthorized(); // a valid token of an account that no longer exists
        }
        return TypedResults.Ok((object)new { user = new UserView(user.Email, user.Nickname) });
    }
}
