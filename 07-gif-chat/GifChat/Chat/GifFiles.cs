using Microsoft.Extensions.Options;

namespace GifChat;

/// <summary>
/// The uploads folder. The book's multer kept the client's file name (plus a timestamp) and accepted any content;
/// here only real GIFs are kept, under a random name the server chooses, so a name cannot reach outside the folder
/// and an <c>.exe</c> renamed <c>.gif</c> is refused.
/// </summary>
public sealed class GifFiles
{
    private static readonly byte[] Gif87a = "GIF87a"u8.ToArray();
    private static readonly byte[] Gif89a = "GIF89a"u8.ToArray();
    private readonly ILogger<GifFiles> _logger;

    public GifFiles(IOptions<GifChatOptions> options, IWebHostEnvironment environment, ILogger<GifFiles> logger)
    {
        _logger = logger;
        MaxBytes = options.Value.MaxGifBytes;
        Folder = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.Uploads));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public long MaxBytes { get; }

    /// <summary>
    /// A GIF starts with the six bytes <c>GIF87a</c> or <c>GIF89a</c>, then a 7-byte logical screen descriptor.
    /// The extension and the browser's Content-Type are only claims; the bytes are the file.
    /// </summary>
    public static bool LooksLikeGif(ReadOnlySpan<byte> start) =>
        start.Length >= 13 && (start[..6].SequenceEqual(Gif87a) || start[..6].SequenceEqual(Gif89a));

    /// <summary>Checks and stores an upload. Returns the stored name, or an error message for the visitor.</summary>
    public async Task<(string? Name, string? Error)> SaveAsync(IFormFile file, CancellationToken ct)
    {
        if (file.Length == 0)
        {
            return (null, "빈 파일입니다. GIF 파일을 선택하세요.");
        }
        if (file.Length > MaxBytes)
        {
            return (null, $"GIF는 {MaxBytes / 1024 / 1024}MB까지 올릴 수 있습니다.");
        }
        var start = new byte[13];
        int read;
        await using (var head = file.OpenReadStream())
        {
            read = await head.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, ct);
        }
        if (!LooksLikeGif(start.AsSpan(0, read)))
        {
            return (null, "GIF 파일만 올릴 수 있습니다. (파일 내용이 GIF가 아닙니다)");
        }
        var name = $"{Guid.NewGuid():N}.gif";
        await using (var input = file.OpenReadStream())
        await using (var output = new FileStream(Path.Combine(Folder, name), FileMode.CreateNew))
        {
            await input.CopyToAsync(output, ct);
        }
        return (name, null);
    }

    /// <summary>Deletes files this class stored (names from the database, still checked to stay in the folder).</summary>
    public void Delete(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var path = Path.GetFullPath(Path.Combine(Folder, name));
            if (Path.GetDirectoryName(path) != Folder)
            {
                continue;
            }
            try
            {
                File.Delete(path);
            }
            catch (IOException e)
            {
                _logger.LogWarning(e, "GIF 파일을 지우지 못했습니다: {Name}", name);
            }
        }
    }
}
