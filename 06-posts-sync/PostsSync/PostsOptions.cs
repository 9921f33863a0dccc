namespace PostsSync;

/// <summary>The "Posts" section of configuration (appsettings.json). Relative paths are under the content root.</summary>
public sealed class PostsOptions
{
    public const string Section = "Posts";

    /// <summary>The SQLite database file, created with its folder on first run. Default <c>data/posts.db</c>.</summary>
    public string Database { get; set; } = "data/posts.db";

    /// <summary>Where uploaded images are stored; served under <c>/images</c>. Default <c>data/images</c>.</summary>
    public string ImagesFolder { get; set; } = "data/images";

    /// <summary>Posts per page of <c>GET /feed/posts?page=N</c>. The course uses 2 so that paging shows quickly.</summary>
    public int PerPage { get; set; } = 2;

    /// <summary>The largest accepted image, in bytes. Default 5 MB.</summary>
    public long MaxImageBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Sign-up and login requests allowed per client address per <see cref="SignInWindow"/>; then 429.</summary>
    public int SignInAttempts { get; set; } = 10;

    /// <summary>The rate limiter's fixed window for <see cref="SignInAttempts"/>. Default 1 minute.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The "Jwt" section: how login tokens are signed and how long they live.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>
    /// The HMAC-SHA256 signing secret (at least 32 characters). When empty, a random development secret is generated
    /// once and kept beside the database (<c>data/jwt-dev-secret.txt</c>), so tokens survive a restart on this machine.
    /// Set it for real deployments: <c>Jwt__Secret=...</c> or <c>dotnet user-secrets</c>.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long a token from <c>POST /auth/login</c> is valid: 1 hour, as the course's <c>expiresIn: '1h'</c>.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>iss</c> claim written into tokens and required from them.</summary>
    public string Issuer { get; set; } = "PostsSync";
}
