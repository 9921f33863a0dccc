using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// The real PostsSync app on a free port, with its own temporary database and image folder and a known JWT secret,
/// plus the few HTTP calls every test needs (sign up and log in, create a post).
/// </summary>
public sealed class PostsSyncServer : IAsyncDisposable
{
    /// <summary>The signing secret the tests give the app, so they can also forge tokens (expired, foreign).</summary>
    public const string JwtSecret = "tests-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    /// <summary>Small, so that "too big" is cheap to send.</summary>
    public const long MaxImageBytes = 100_000;

    private readonly string _folder;

    private PostsSyncServer(RunningApp<Program> app, string folder)
    {
        App = app;
        _folder = folder;
    }

    public RunningApp<Program> App { get; }

    public Uri BaseAddress => App.BaseAddress;

    public Transcript Log => App.Log;

    public string ImagesFolder => Path.Combine(_folder, "images");

    /// <summary>Starts the app; <paramref name="settings"/> add to or override the tests' configuration.</summary>
    public static async Task<PostsSyncServer> StartAsync(Transcript? log = null, Dictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "posts-sync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new Dictionary<string, string?>
        {
            ["Posts:Database"] = Path.Combine(folder, "posts.db"),
            ["Posts:ImagesFolder"] = Path.Combine(folder, "images"),
            ["Posts:MaxImageBytes"] = MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Jwt:Secret"] = JwtSecret,
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }
        var app = await RunningApp<Program>.StartAsync(configuration, log);
        return new PostsSyncServer(app, folder);
    }

    public HttpClient Client(string? token = null)
    {
        var client = App.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>Signs up <c>{name}@example.com</c> with password <c>secret1</c>, logs in, and returns the user id and token.</summary>
    public async Task<(int UserId, string Token)> SignUpAndLogInAsync(string name)
    {
        using var client = Client();
        var email = $"{name.ToLowerInvariant()}@example.com";
        var signup = await client.PutAsJsonAsync("/auth/signup", new { email, password = "secret1", name });
        signup.EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("/auth/login", new { email, password = "secret1" });
        login.EnsureSuccessStatusCode();
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("userId").GetInt32(), body.GetProperty("token").GetString()!);
    }

    /// <summary>POST /feed/post with a PNG; fails the test unless it is 201. Returns the created post.</summary>
    public async Task<JsonElement> CreatePostAsync(string token, string title, string content = "Some content")
    {
        using var client = Client(token);
        var response = await client.PostAsync("/feed/post", Form(title, content, TestImages.Png, "photo.png"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("post").Clone();
    }

    /// <summary>The multipart form the page sends: title, content and (optionally) the image file.</summary>
    public static MultipartFormDataContent Form(string? title, string? content, byte[]? image = null, string fileName = "photo.png")
    {
        var form = new MultipartFormDataContent();
        if (title is not null)
        {
            form.Add(new StringContent(title), "title");
        }
        if (content is not null)
        {
            form.Add(new StringContent(content), "content");
        }
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "image", fileName);
        }
        return form;
    }

    public string[] StoredImages() =>
        Directory.Exists(ImagesFolder) ? [.. Directory.GetFiles(ImagesFolder).Select(Path.GetFileName).Order()!] : [];

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
            // A file still held open somewhere; the temp folder is cleaned by the OS eventually.
        }
    }
}

/// <summary>Image files made in the tests.</summary>
public static class TestImages
{
    /// <summary>A real 1×1 PNG (a browser can display it).</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>Starts like a JPEG (SOI marker and a JFIF segment): enough for the server's signature check.</summary>
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0xFF, 0xD9];

    /// <summary>A text file: what a renamed "photo.png" that is not an image contains.</summary>
    public static readonly byte[] Text = "hello, I am not an image"u8.ToArray();

    /// <summary>A PNG signature followed by padding up to <paramref name="length"/> bytes.</summary>
    public static byte[] PngOfLength(long length)
    {
        var bytes = new byte[length];
        Png.AsSpan(0, 8).CopyTo(bytes);
        return bytes;
    }
}
