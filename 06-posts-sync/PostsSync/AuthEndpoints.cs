using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
        // Guessing passwords costs requests: at most Posts:SignInAttempts per client address per Posts:SignInWindow,
        // then 429 (AddSignInRateLimit below). The course let a script try as fast as the server answered.
        auth.MapPut("/signup", SignupAsync).RequireRateLimiting(SignInPolicy);
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(SignInPolicy);
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

    /// <summary>
    /// The one answer to a failed login. The course answered "A user with this email could not be found." or
    /// "Wrong password!", which tells anyone which emails have an account; here both cases read the same.
    /// </summary>
    public const string LoginFailed = "Wrong email or password.";

    public const string SignInPolicy = "sign-in";

    // A hash of nothing in particular: an unknown email is checked against it, so that it costs the same PBKDF2
    // time as a wrong password (a quick 401 would give the answer away by its timing).
    private static readonly string UnknownUserHash = new PasswordHasher<User>().HashPassword(null!, Guid.NewGuid().ToString());

    // POST /auth/login {email, password} → {token, userId} (valid 1 h) or 401
    private static async Task<IResult> LoginAsync(LoginBody body, PostsDb db, PasswordHasher<User> hasher, Tokens tokens, CancellationToken ct)
    {
        var email = body.Email?.Trim().ToLowerInvariant() ?? "";
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, ct);
        var check = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? UnknownUserHash, body.Password?.Trim() ?? "");
        if (user is null || check == PasswordVerificationResult.Failed)
        {
            return Errors.Json(StatusCodes.Status401Unauthorized, LoginFailed);
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

    /// <summary>
    /// ASP.NET Core's rate limiter for the sign-in routes: a fixed window per client address. Over the limit the
    /// answer is 429 <c>{ message, data }</c> with <c>Retry-After</c>; the password is not even checked.
    /// </summary>
    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (rejected, _) =>
        {
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                rejected.HttpContext.Response.Headers.RetryAfter =
                    ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await Errors.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many attempts. Try again later.");
        };
        o.AddPolicy(SignInPolicy, context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<PostsOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new()
            {
                PermitLimit = options.SignInAttempts,
                Window = options.SignInWindow,
                QueueLimit = 0,
            });
        });
    });

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
