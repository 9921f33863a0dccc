using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Data;

/// <summary>A member of the shop. The password is stored only as a <c>PasswordHasher</c> hash (the post kept it in plain text).</summary>
public sealed class User
{
    public int UserId { get; set; }
    /// <summary>Trimmed and lower-cased, so "A@x.com" and "a@x.com" are one account.</summary>
    public required string Email { get; set; }
    public required string Nickname { get; set; }
    public string PasswordHash { get; set; } = "";
}

/// <summary>Something to buy. <see cref="GoodsId"/> is chosen by whoever adds the goods, as in the post's shop.</summary>
public sealed class Goods
{
    public int GoodsId { get; set; }
    public required string Name { get; set; }
    public required string ThumbnailUrl { get; set; }
    /// <summary>음료 (drinks) or 음식 (food) in the seeded shop; any short text is accepted.</summary>
    public required string Category { get; set; }
    public int Price { get; set; }
}

/// <summary>One line of a user's cart: which goods, how many.</summary>
public sealed class CartItem
{
    public int UserId { get; set; }
    public int GoodsId { get; set; }
    public int Quantity { get; set; }
    public Goods Goods { get; set; } = null!;
}

public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Goods> Goods => Set<Goods>();
    public DbSet<CartItem> Cart => Set<CartItem>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => u.Nickname).IsUnique();
        model.Entity<Goods>().Property(g => g.GoodsId).ValueGeneratedNever();
        model.Entity<Goods>().HasIndex(g => g.Category);
        model.Entity<CartItem>().HasKey(c => new { c.UserId, c.GoodsId });
        model.Entity<CartItem>().HasOne<User>().WithMany().HasForeignKey(c => c.UserId);
    }
}
