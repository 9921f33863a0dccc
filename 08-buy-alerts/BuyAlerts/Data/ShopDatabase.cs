using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Data;

/// <summary>SQLite through EF Core: where the file lives, creating it on first run, and the seeded goods.</summary>
public static class ShopDatabase
{
    /// <summary>
    /// Registers <see cref="ShopDb"/> on the SQLite file named by <c>Shop:DatabasePath</c>
    /// (default <c>App_Data/shop.db</c>, relative to the content root).
    /// </summary>
    public static IServiceCollection AddShopDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var path = DataPath(configuration, environment, configuration["Shop:DatabasePath"] ?? "App_Data/shop.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return services.AddDbContext<ShopDb>(options => options.UseSqlite($"Data Source={path}"));
    }

    /// <summary>A path from configuration, made absolute against the content root.</summary>
    public static string DataPath(IConfiguration configuration, IHostEnvironment environment, string relativeOrAbsolute) =>
        Path.GetFullPath(relativeOrAbsolute, environment.ContentRootPath);

    /// <summary>Creates the tables if the file is new (no migrations: EnsureCreated) and seeds the goods once.</summary>
    public static void EnsureShopDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        db.Database.EnsureCreated();
        // EnsureCreated does nothing to a file that exists: a database from before orders and sessions lacks them.
        var tables = db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToList();
        if (!tables.Contains("Orders") || !tables.Contains("Sessions"))
        {
            throw new InvalidOperationException(
                $"{db.Database.GetDbConnection().DataSource} was made by an older version of this step (no Orders or Sessions table). Delete it (or App_Data) to start over.");
        }
        if (!db.Goods.Any())
        {
            db.Goods.AddRange(SeedGoods);
            db.SaveChanges();
        }
    }

    /// <summary>A few drinks and foods; their pictures are small SVG files in wwwroot/images/goods.</summary>
    public static IReadOnlyList<Goods> SeedGoods =>
    [
        new() { GoodsId = 1, Name = "아메리카노", Category = "음료", Price = 4, ThumbnailUrl = "/images/goods/americano.svg" },
        new() { GoodsId = 2, Name = "카페라떼", Category = "음료", Price = 5, ThumbnailUrl = "/images/goods/latte.svg" },
        new() { GoodsId = 3, Name = "레몬에이드", Category = "음료", Price = 6, ThumbnailUrl = "/images/goods/lemonade.svg" },
        new() { GoodsId = 4, Name = "햄버거", Category = "음식", Price = 8, ThumbnailUrl = "/images/goods/burger.svg" },
        new() { GoodsId = 5, Name = "피자", Category = "음식", Price = 12, ThumbnailUrl = "/images/goods/pizza.svg" },
        new() { GoodsId = 6, Name = "샌드위치", Category = "음식", Price = 7, ThumbnailUrl = "/images/goods/sandwich.svg" },
    ];
}
