using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PostsSync;

/// <summary>
/// Issues the login token (the course's <c>jwt.sign({ userId }, secret, { expiresIn: '1h' })</c>) and holds the key
/// that <c>AddJwtBearer</c> checks it with.
/// </summary>
public sealed class Tokens
{
    /// <summary>The claim carrying the user's id, named as in the course's token.</summary>
    public const string UserIdClaim = "userId";

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _credentials;

    public Tokens(IOptions<JwtOptions> options, IOptions<PostsOptions> posts, IHostEnvironment env, TimeProvider time, ILogger<Tokens> log)
    {
        _options = options.Value;
        _time = time;
        Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ResolveSecret(_options, posts.Value, env, log)));
        _credentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256);
    }

    public SymmetricSecurityKey Key { get; }

    public string Issue(int userId)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Claims = new Dictionary<string, object> { [UserIdClaim] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.Lifetime,
            SigningCredentials = _credentials,
        });
    }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = _options.Issuer,
        ValidateAudience = false,
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.FromSeconds(30),   // the default is 5 minutes
    };

    private static string ResolveSecret(JwtOptions options, PostsOptions posts, IHostEnvironment env, ILogger log)
    {
        if (!string.IsNullOrWhiteSpace(options.Secret))
        {
            if (options.Secret.Length < 32)
            {
                throw new InvalidOperationException("Jwt:Secret must be at least 32 characters (HMAC-SHA256 needs a 256-bit key).");
            }
            return options.Secret;
        }
        // No secret configured: generate one once and keep it beside the database, so tokens survive restarts on
        // this machine. It is a development convenience, not a way to run in production.
        var database = Path.GetFullPath(posts.Database, env.ContentRootPath);
        var file = Path.Combine(Path.GetDirectoryName(database)!, "jwt-dev-secret.txt");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
            log.LogWarning("No Jwt:Secret configured: generated a development signing secret in {File}", file);
        }
        return File.ReadAllText(file).Trim();
    }
}

public static class AuthSetup
{
    /// <summary>
    /// <c>Authorization: Bearer &lt;jwt&gt;</c> on the feed routes (the course's <c>is-auth</c> middleware). A missing,
    /// invalid or expired token is a 401 with <c>{ message, data }</c> (the course answered an invalid one with a 500).
    /// </summary>
    public static IServiceCollection AddPostsAuth(this IServiceCollection services)
    {
        services.AddSingleton<Tokens>();
        services.AddAuthorization();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<Tokens>((o, tokens) =>
        {
            o.MapInboundClaims = false;          // keep the token's own claim names ("userId")
            o.TokenValidationParameters = tokens.ValidationParameters;
            o.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();    // our JSON instead of an empty 401
                    var message = context.AuthenticateFailure switch
                    {
                        null => "Not authenticated.",
                        SecurityTokenExpiredException => "Not authenticated: the token has expired.",
                        _ => "Not authenticated: the token is invalid.",
                    };
                    await Errors.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, message);
                },
            };
        });
        return services;
    }

    /// <summary>The signed-in user's id (the course's <c>req.userId</c>).</summary>
    public static int UserId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirst(Tokens.UserIdClaim)?.Value ?? throw new InvalidOperationException("No userId claim."),
            System.Globalization.CultureInfo.InvariantCulture);
}
