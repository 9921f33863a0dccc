using GifChat.Data;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// The real GIF chat on a free port with its own temporary database and uploads folder, and a short wait before an
/// empty room is deleted (2 s by default).
/// </summary>
public sealed class GifChatServer : IAsyncDisposable
{
    private readonly string _folder;

    private GifChatServer(RunningApp<Program> app, string folder)
    {
        App = app;
        _folder = folder;
    }

    public RunningApp<Program> App { get; }
    public Uri BaseAddress => App.BaseAddress;
    public Transcript Log => App.Log;

    /// <summary>An address on the server, e.g. <c>Url("/room")</c>.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();
    public string UploadsFolder => Path.Combine(_folder, "uploads");

    /// <param name="clock">A clock whose empty-room waits the test ends (then the wait is the default 2 s).</param>
    /// <param name="extra">More settings, e.g. an HTTPS endpoint.</param>
    public static async Task<GifChatServer> StartAsync(Transcript? log = null, TimeProvider? clock = null, Dictionary<string, string?>? extra = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gif-chat-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string?>
        {
            ["GifChat:Database"] = Path.Combine(folder, "gifchat.db"),
            ["GifChat:Uploads"] = Path.Combine(folder, "uploads"),
        };
        if (clock is null)
        {
            settings["GifChat:EmptyRoomGrace"] = "00:00:00.050";
        }
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        var app = await RunningApp<Program>.StartAsync(settings, log,
            configure: clock is null ? null : b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        return new GifChatServer(app, folder);
    }

    /// <summary>Fails if the app logged an error or a warning (a handler that threw, a file it could not delete).</summary>
    public void AssertNoErrorsLogged() =>
        Assert.DoesNotContain(Log.Lines, line => line.StartsWith("[log] error:", StringComparison.Ordinal)
                                                 || line.StartsWith("[log] warn:", StringComparison.Ordinal));

    /// <summary>Someone with a browser's cookie jar (their session, hence their colour).</summary>
    public TestVisitor NewVisitor() => new(BaseAddress);

    /// <summary>The rows as stored, to check what the pages do not show (the password hash).</summary>
    public async Task<T> QueryAsync<T>(Func<ChatDb, Task<T>> query)
    {
        var contexts = App.Services.GetRequiredService<IDbContextFactory<ChatDb>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still open on a slow machine: the OS cleans the temp folder
        }
    }
}
