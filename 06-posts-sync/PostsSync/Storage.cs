using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostsSync.Data;

namespace PostsSync;

public static class Storage
{
    /// <summary>Options, the SQLite database (the course's MongoDB) and the image folder.</summary>
    public static IServiceCollection AddPostsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PostsOptions>(configuration.GetSection(PostsOptions.Section));
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.AddDbContext<PostsDb>((sp, db) =>
        {
            var path = Path.GetFullPath(sp.GetRequiredService<IOptions<PostsOptions>>().Value.Database,
                sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            db.UseSqlite($"Data Source={path}");
        });
        services.AddSingleton<ImageStore>();
        return services;
    }

    /// <summary>Creates the database file and its tables on first run (the course connects to MongoDB here).</summary>
    public static void EnsureStorageCreated(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PostsDb>();
        var file = db.Database.GetDbConnection().DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        db.Database.EnsureCreated();
    }
}
