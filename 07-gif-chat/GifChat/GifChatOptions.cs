namespace GifChat;

/// <summary>The "GifChat" section of the configuration. Relative paths are under the content root.</summary>
public sealed class GifChatOptions
{
    public const string Section = "GifChat";

    /// <summary>The SQLite file (created with its tables on first run). Default <c>data/gifchat.db</c>.</summary>
    public string Database { get; set; } = "data/gifchat.db";

    /// <summary>Where uploaded GIFs are stored; served under <c>/gif</c>. Default <c>data/uploads</c>.</summary>
    public string Uploads { get; set; } = "data/uploads";

    /// <summary>The largest GIF accepted, in bytes: 5 MB like the book's multer limit.</summary>
    public long MaxGifBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// How long an empty room waits before it is deleted: the book waited 2 s before announcing removeRoom.
    /// Here the wait also lets the last member reload the page without losing the room.
    /// </summary>
    public TimeSpan EmptyRoomGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Page origins allowed to open the chat's sockets besides this server's own addresses, e.g.
    /// <c>https://chat.example.com</c> behind a proxy. A WebSocket from any other origin is refused.
    /// </summary>
    public string[] Origins { get; set; } = [];

    /// <summary>Room password tries (<c>POST /room/{id}</c>) per client address per <see cref="PasswordWindow"/>; then 429.</summary>
    public int PasswordAttempts { get; set; } = 10;

    /// <summary>The rate limiter's fixed window for <see cref="PasswordAttempts"/>. Default 1 minute.</summary>
    public TimeSpan PasswordWindow { get; set; } = TimeSpan.FromMinutes(1);
}
