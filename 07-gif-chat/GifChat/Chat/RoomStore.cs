using GifChat.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GifChat;

/// <summary>What the lobby and the <c>newRoom</c> event show of a room: never the password, only whether it has one.</summary>
public sealed record RoomSummary(int Id, string Title, int Max, string Owner, bool HasPassword)
{
    public static RoomSummary From(Room room) => new(room.Id, room.Title, room.Max, room.Owner, room.HasPassword);
}

/// <summary>One line of chat as it travels in the <c>chat</c> event: a text, or the file name of a GIF under <c>/gif/</c>.</summary>
public sealed record ChatMessage(int Id, int Room, string User, string? Chat, string? Gif, DateTime CreatedAt)
{
    public static ChatMessage From(Chat chat) => new(chat.Id, chat.RoomId, chat.User, chat.Text, chat.Gif, chat.CreatedAt);
}

/// <summary>
/// The rooms and chats in SQLite (the book's mongoose models). A singleton over a context factory, so pages,
/// endpoints and socket handlers (which live outside any request) share one way in.
/// </summary>
public sealed class RoomStore(IDbContextFactory<ChatDb> contexts, TimeProvider clock)
{
    private static readonly PasswordHasher<Room> Hasher = new();

    public async Task<List<Room>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Rooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
    }

    public async Task<Room?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    public async Task<Room> CreateAsync(string title, int max, string? password, string owner, CancellationToken ct)
    {
        var room = new Room { Title = title, Max = max, Owner = owner, CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (!string.IsNullOrEmpty(password))
        {
            room.PasswordHash = Hasher.HashPassword(room, password);   // salted PBKDF2; the book kept the password itself
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Rooms.Add(room);
        await db.SaveChangesAsync(ct);
        return room;
    }

    /// <summary>True for a public room, or when <paramref name="password"/> matches the stored hash.</summary>
    public static bool CheckPassword(Room room, string? password) =>
        room.PasswordHash is null
        || (!string.IsNullOrEmpty(password)
            && Hasher.VerifyHashedPassword(room, room.PasswordHash, password) != PasswordVerificationResult.Failed);

    /// <summary>Saves a line of chat; null when the room no longer exists.</summary>
    public async Task<ChatMessage?> AddChatAsync(int roomId, string user, string? text, string? gif, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Rooms.AnyAsync(r => r.Id == roomId, ct))
        {
            return null;
        }
        var chat = new Chat { RoomId = roomId, User = user, Text = text, Gif = gif, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Chats.Add(chat);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return null;    // the room was deleted between the check and the insert (foreign key)
        }
        return ChatMessage.From(chat);
    }

    /// <summary>The room's history, oldest first.</summary>
    public async Task<List<ChatMessage>> HistoryAsync(int roomId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var chats = await db.Chats.AsNoTracking().Where(c => c.RoomId == roomId).OrderBy(c => c.Id).ToListAsync(ct);
        return [.. chats.Select(ChatMessage.From)];
    }

    public async Task SetOwnerAsync(int roomId, string owner, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Owner, owner), ct);
    }

    /// <summary>Deletes the room and its chats; returns the GIF file names its chats used, for the caller to delete.</summary>
    public async Task<List<string>> DeleteAsync(int roomId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var gifs = await db.Chats.Where(c => c.RoomId == roomId && c.Gif != null).Select(c => c.Gif!).ToListAsync(ct);
        await db.Chats.Where(c => c.RoomId == roomId).ExecuteDeleteAsync(ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteDeleteAsync(ct);
        return gifs;
    }
}
