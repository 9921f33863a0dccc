using Microsoft.EntityFrameworkCore;

namespace PostsSync.Data;

/// <summary>The course's two Mongoose models (user, post) as EF Core entities in one SQLite file.</summary>
public sealed class PostsDb(DbContextOptions<PostsDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Post> Posts => Set<Post>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<Post>().HasIndex(p => p.CreatedAt);
        model.Entity<Post>().HasOne(p => p.Creator).WithMany().HasForeignKey(p => p.CreatorId);

        // SQLite keeps a DateTime as text without its kind; everything here is UTC, so say so when reading it back
        // (then JSON shows "2026-11-21T23:10:00Z", which the browser's Date parses correctly).
        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTime)))
            {
                property.SetValueConverter(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
                    v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc)));
            }
        }
    }
}

public sealed class User
{
    public int Id { get; set; }
    /// <summary>Stored trimmed and lower-cased; never sent to anyone.</summary>
    public required string Email { get; set; }
    /// <summary><c>PasswordHasher&lt;User&gt;</c>'s output (PBKDF2 with a salt); never sent to anyone.</summary>
    public required string PasswordHash { get; set; }
    public required string Name { get; set; }
    /// <summary>The course's default status.</summary>
    public string Status { get; set; } = "I am new!";
}

public sealed class Post
{
    public int Id { get; set; }
    public required string Title { get; set; }
    public required string Content { get; set; }
    /// <summary>Relative URL of the stored image, e.g. <c>images/5c1e…​.png</c> (a generated name, never the client's).</summary>
    public required string ImageUrl { get; set; }
    public int CreatorId { get; set; }
    public User Creator { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
