using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace PostsSync;

/// <summary>
/// Uploaded images (the course's multer <c>diskStorage</c> and <c>clearImage</c>). Fixes: a file is accepted by
/// what it contains (the PNG or JPEG signature), not by its name or declared type; it is stored under a generated
/// name (the course's <c>new Date().toISOString() + '-' + originalname</c> has ':' in it, which Windows refuses,
/// and keeps whatever the client called the file); and the server never takes a file path from the client.
/// </summary>
public sealed class ImageStore
{
    /// <summary>The URL prefix the images are served under, also the start of every <c>imageUrl</c>.</summary>
    public const string UrlPrefix = "images";

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];
    private static readonly string[] AllowedExtensions = [".png", ".jpg", ".jpeg"];

    private readonly ILogger<ImageStore> _log;

    public ImageStore(IOptions<PostsOptions> options, IHostEnvironment env, ILogger<ImageStore> log)
    {
        _log = log;
        MaxBytes = options.Value.MaxImageBytes;
        Folder = Path.GetFullPath(options.Value.ImagesFolder, env.ContentRootPath);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public long MaxBytes { get; }

    /// <summary>
    /// Checks an upload: its name ends in .png, .jpg or .jpeg, it starts with a PNG or JPEG signature, and it is at
    /// most <see cref="MaxBytes"/> long. Returns the status and field error to send, or null when it is fine.
    /// </summary>
    public async Task<(int Status, FieldError Error)?> CheckAsync(IFormFile file, CancellationToken ct)
    {
        if (file.Length > MaxBytes)
        {
            return (StatusCodes.Status413PayloadTooLarge,
                new FieldError("image", $"The image is too big: at most {MaxBytes} bytes.", file.FileName));
        }
        if (!AllowedExtensions.Contains(Path.GetExtension(file.FileName).ToLowerInvariant()))
        {
            return (StatusCodes.Status422UnprocessableEntity,
                new FieldError("image", "Only .png, .jpg and .jpeg images are accepted.", file.FileName));
        }
        if (await KindOfAsync(file, ct) is null)
        {
            return (StatusCodes.Status422UnprocessableEntity,
                new FieldError("image", "The file is not a PNG or JPEG image.", file.FileName));
        }
        return null;
    }

    /// <summary>Stores a checked upload under a new name and returns its <c>imageUrl</c>, e.g. <c>images/&lt;guid&gt;.png</c>.</summary>
    public async Task<string> SaveAsync(IFormFile file, CancellationToken ct)
    {
        var extension = await KindOfAsync(file, ct) ?? throw new InvalidOperationException("Check the image first.");
        var name = $"{Guid.NewGuid()}{extension}";
        await using (var target = new FileStream(Path.Combine(Folder, name), FileMode.CreateNew, FileAccess.Write))
        {
            await file.CopyToAsync(target, ct);
        }
        return $"{UrlPrefix}/{name}";
    }

    /// <summary>Removes a stored image (the course's <c>clearImage</c>). Only ever a file directly in <see cref="Folder"/>.</summary>
    public void Delete(string imageUrl)
    {
        var path = Path.Combine(Folder, Path.GetFileName(imageUrl));
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            _log.LogWarning(e, "Could not delete the image {Path}", path);
        }
    }

    /// <summary>".png" or ".jpg" from the first bytes of the file, or null when it is neither.</summary>
    private static async Task<string?> KindOfAsync(IFormFile file, CancellationToken ct)
    {
        var head = new byte[PngSignature.Length];
        await using var stream = file.OpenReadStream();
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var bytes = head.AsSpan(0, read);
        return bytes.StartsWith(PngSignature) ? ".png"
            : bytes.StartsWith(JpegSignature) ? ".jpg"
            : null;
    }
}

public static class ImageStoreSetup
{
    /// <summary>Serves the stored images at <c>/images/&lt;name&gt;</c> (the course's <c>express.static('images')</c>).</summary>
    public static IApplicationBuilder UseUploadedImages(this IApplicationBuilder app) => app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = new PhysicalFileProvider(app.ApplicationServices.GetRequiredService<ImageStore>().Folder),
        RequestPath = "/" + ImageStore.UrlPrefix,
        OnPrepareResponse = c => c.Context.Response.Headers.XContentTypeOptions = "nosniff",
    });
}
