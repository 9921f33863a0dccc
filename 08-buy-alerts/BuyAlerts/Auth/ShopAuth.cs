using System.Security.Cryptography;
using System.Text;
using BuyAlerts.Api;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace BuyAlerts.Auth;

/// <summary>
/// JWT authentication, accepted from the <c>authorization</c> cookie (what the pages send) and from the
/// <c>Authorization: Bearer</c> header (what other clients send).
/// </summary>
public static class ShopAuth
{
    /// <summary>The policy of what only administrators (<c>Shop:Admins</c>) may do: add goods.</summary>
    public const string AdminOnly = "admin";

    public static IServiceCollection AddShopAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var secret = ReadOrCreateSecret(configuration, environment);
        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Jwt:LifetimeMinutes", 12 * 60));
        var tokens = new TokenService(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), lifetime, TimeProvider.System);
        services.AddSingleton(tokens);
        services.AddSingleton<ShopSessions>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>(); // PBKDF2; the post stored passwords as typed

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = tokens.ValidationParameters;
            options.Events = new JwtBearerEvents
            {
                // The header wins when both are present; otherwise take the token out of the cookie.
                OnMessageReceived = context =>
                {
                    if (!context.Request.Headers.ContainsKey("Authorization"))
                    {
                        context.Token = AuthCookie.TokenFrom(context.Request.Cookies[AuthCookie.Name]);
                    }
                    return Task.CompletedTask;
                },
                // A well-signed token is not enough: its session must still stand (not signed out). One query per
                // request, the REST API's and the Socket.IO handshake's alike, on the database every instance shares.
                OnTokenValidated = async context =>
                {
                    var user = context.Principal!;
                    var db = context.HttpContext.RequestServices.GetRequiredService<ShopDb>();
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<ShopSessions>();
                    if (!await sessions.IsActiveAsync(db, user.SessionId(), user.UserId(), context.HttpContext.RequestAborted))
                    {
                        context.Fail("The session of this token has ended (signed out).");
                    }
                },
                // The post's message instead of an empty 401.
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await context.Response.WriteAsJsonAsync(new ApiError(Messages.SignInRequired));
                },
                // Signed in, but not an administrator.
                OnForbidden = async context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsJsonAsync(new ApiError(Messages.AdminOnly));
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminOnly, policy => policy.RequireAuthenticatedUser().RequireRole(TokenService.AdminRole));
        return services;
    }

    /// <summary>
    /// The signing secret: <c>Jwt:Secret</c> from configuration (user secrets, an environment variable
    /// <c>Jwt__Secret</c>, appsettings). In Development, when none is set, a random one is generated once and kept in
    /// <c>Jwt:DevelopmentSecretPath</c> (default <c>App_Data/dev-jwt-secret.txt</c>) so sign-ins survive a restart.
    /// Anywhere else a missing secret stops the app: tokens signed with a guessable key are worthless.
    /// </summary>
    private static string ReadOrCreateSecret(IConfiguration configuration, IHostEnvironment environment)
    {
        var secret = configuration["Jwt:Secret"];
        if (string.IsNullOrEmpty(secret))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Jwt:Secret is not configured. Set it (at least 32 characters), e.g. with the environment variable Jwt__Secret.");
            }
            var path = ShopDatabase.DataPath(configuration, environment,
                configuration["Jwt:DevelopmentSecretPath"] ?? "App_Data/dev-jwt-secret.txt");
            if (!File.Exists(path))
            {
                // Written aside, then moved in without overwriting: two instances started together (README "More than
                // one server") end up with the same secret, whichever wrote it first.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var fresh = $"{path}.{Guid.NewGuid():N}.tmp";
                File.WriteAllText(fresh, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
                try
                {
                    File.Move(fresh, path, overwrite: false);
                }
                catch (IOException) when (File.Exists(path))
                {
                    File.Delete(fresh); // another instance was first: use its secret
                }
            }
            secret = File.ReadAllText(path).Trim();
        }
        if (secret.Length < 32)
        {
            throw new InvalidOperationException("Jwt:Secret must be at least 32 characters long (HS256 needs a 256-bit key).");
        }
        return secret;
    }
}
