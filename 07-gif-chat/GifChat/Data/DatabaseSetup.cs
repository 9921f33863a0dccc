using Microsoft.EntityFrameworkCore;

namespace GifChat.Data;

public static class DatabaseSetup
{
    /// <summary>Creates the SQLite file and its tables on first run (there are no migrations to apply).</summary>
    public static async Task CreateDatabaseAsync(this IServiceProvider services, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var db = await services.GetRequiredService<IDbContextFactory<ChatDb>>().CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
    }
}
