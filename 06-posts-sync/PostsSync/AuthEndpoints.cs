using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PostsSync.Data;

namespace PostsSync;

/// <summary>The course's <c>routes/auth.js</c> and <c>controllers/auth.js</c>: sign-up, login, and the user's status.</summary>
public static class AuthEndpoints
{
    public sealed record SignupBody(string? Email, string? Password, string? Name);
    public sealed record LoginBody(string? Email, string? Password);
    public sealed record StatusBody(string? Status);

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth");
        auth.MapPut("/signup", SignupAsync);
        auth.MapPost("/login", LoginAsync);
        auth.MapGet("/status", GetStatusAsync).RequireAuthorization();
        auth.MapPatch("/status", UpdateStatusAsync).RequireAuthorization();
    }

    // PUT /auth/signup {email, password, name} → 201 {message, userId} or 422 {message, data}
    private static async Task<IResult> SignupAsync(SignupBody body, PostsDb db, PasswordHasher<User> hasher, CancellationToken ct)
    {
        var email = body.Email?.Trim().ToLowerInvariant() ?? "";
        var name = body.Name?.Trim() ?? "";
        var password = body.Password?.Trim() ?? "";
        var errors = new FieldErrors()
            .Check(!IsEmail(email), "email", "Please enter a valid email.", body.Email)
            .Check(IsEmail(email) && await db.Users.AnyAsync(u => u.Email == email, ct),
                "email", "E-Mail address already exists!", body.Email)
            .Check(password.Length < 5, "password", "The password must be at least 5 characters long.", null)
            .Check(name.Length == 0, "name", "Please enter a name.", body.Name)
            .Check(name.Length > Limits.Name, "name", $"The name must be at most {Limits.Name} characters long.", null);
        if (errors.Any)
        {
            return errors.ToResult("Validation failed.");
        }

        var user = new User { Email = email, Name = name, PasswordHash = "" };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return Results.Json(new { message = "User created!", userId = user.Id }, statusCode: StatusCodes.Status201Created);
    }

    // POST /auth/login {email, password} → {token, userId} (valid 1 h) or 401
    private static async Task<IResult> LoginAsync(LoginBody body, PostsDb db, PasswordHasher<User> hasher, Tokens tokens, CancellationToken ct)
    {
        var email = body.Email?.Trim().ToLowerInvariant() ?? "";
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            return Errors.Json(StatusCodes.Status401Unauthorized, "A user with this email could not be found.");
        }
        var check = hasher.VerifyHashedPassword(user, user.PasswordHash, body.Password?.Trim() ?? "");
        if (check == PasswordVerificationResult.Failed)
        {
            return Errors.Json(StatusCodes.Status401Unauthorized, "Wrong password!");
        }
        if (check == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, body.Password!.Trim());
            await db.SaveChangesAsync(ct);
        }
        return Results.Json(new { token = tokens.Issue(user.Id), userId = user.Id });
    }

    // GET /auth/status → {status}
    private static async Task<IResult> GetStatusAsync(ClaimsPrincipal principal, PostsDb db, CancellationToken ct)
    {
        var user = await db.Users.FindAsync([principal.UserId()], ct);
        return user is null
            ? Errors.Json(StatusCodes.Status404NotFound, "User not found.")
            : Results.Json(new { status = user.Status });
    }

    // PATCH /auth/status {status} → {message: 'User updated.'}
    private static async Task<IResult> UpdateStatusAsync(StatusBody body, ClaimsPrincipal principal, PostsDb db, CancellationToken ct)
    {
        var status = body.Status?.Trim() ?? "";
        var errors = new FieldErrors()
            .Check(status.Length == 0, "status", "Please enter a status.", body.Status)
            .Check(status.Length > Limits.Status, "status", $"The status must be at most {Limits.Status} characters long.", null);
        if (errors.Any)
        {
            return errors.ToResult("Validation failed.");
        }
        var user = await db.Users.FindAsync([principal.UserId()], ct);
        if (user is null)
        {
            return Errors.Json(StatusCodes.Status404NotFound, "User not found.");
        }
        user.Status = status;
        await db.SaveChangesAsync(ct);
        return Results.Json(new { message = "User updated." });
    }

    private static bool IsEmail(string email) =>
        email.Length <= Limits.Email && MailAddress.TryCreate(email, out var address) && address.Address == email
        && address.Host.Contains('.');
}

/// <summary>Lengths the course did not limit; a clear 422 beats an unbounded row.</summary>
public static class Limits
{
    public const int Email = 254;
    public const int Name = 100;
    public const int Status = 200;
    public const int Title = 200;
    public const int Content = 10_000;
}
