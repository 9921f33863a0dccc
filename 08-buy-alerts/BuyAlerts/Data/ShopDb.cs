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

/// <summary>
/// An order (<c>POST /api/orders</c>): what was bought, by whom, when. A <c>BUY</c> may announce it once, shortly
/// after it was placed (<see cref="AnnouncedAt"/>); the post's BUY needed no order at all.
/// </summary>
public sealed class Order
{
    public int OrderId { get; set; }
    public int UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When its <c>BUY_GOODS</c> went out (UTC), or null: an order is announced at most once.</summary>
    public DateTime? AnnouncedAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

/// <summary>One goods of an order; <see cref="Position"/> keeps the order of the cart (the first names the alert).</summary>
public sealed class OrderLine
{
    public int OrderId { get; set; }
    public int Position { get; set; }
    public int GoodsId { get; set; }
    public int Quantity { get; set; }
    public Goods Goods { get; set; } = null!;
}

/// <summary>
/// A signed-in session: sign-in writes one, sign-out deletes it, and a token is accepted only while its session
/// (<c>jti</c>) is here. Kept in the database, so every instance of a cluster sees a sign-out at once.
/// </summary>
public sealed class Session
{
    public required string SessionId { get; set; }
    public int UserId { get; set; }
    public DateTime ExpiresAt { get; set; }
}

public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Goods> Goods => Set<Goods>();
    public DbSet<CartItem> Cart => Set<CartItem>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Session> Sessions => Set<Session>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => u.Nickname).IsUnique();
        model.Entity<Goods>().Property(g => g.GoodsId).ValueGeneratedNever();
        model.Entity<Goods>().HasIndex(g => g.Category);
        model.Entity<CartItem>().HasKey(c => new { c.UserId, c.GoodsId });
        model.Entity<CartItem>().HasOne<User>().WithMany().HasForeignKey(c => c.UserId);
        model.Entity<Order>().HasOne<User>().WithMany().HasForeignKey(o => o.UserId);
        model.Entity<Order>().HasIndex(o => new { o.UserId, o.AnnouncedAt });
        model.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.Position });
        model.Entity<Session>().HasKey(s => s.SessionId);
        model.Entity<Session>().HasOne<User>().WithMany().HasForeignKey(s => s.UserId);
    }
}
