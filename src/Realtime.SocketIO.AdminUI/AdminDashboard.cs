using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace Realtime.SocketIO.AdminUI;

/// <summary>The dashboard's files, read once from this assembly's resources.</summary>
internal static class AdminDashboard
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly ConcurrentDictionary<string, byte[]?> Files = new(StringComparer.Ordinal);
    // What may be asked for: the embedded names (so a request for any other name is a 404 that caches nothing).
    private static readonly HashSet<string> Names = typeof(AdminDashboard).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("admin-ui/", StringComparison.Ordinal) && n != "admin-ui/package.json")
        .Select(n => n["admin-ui/".Length..]).ToHashSet(StringComparer.Ordinal);
    private static readonly Lazy<string> Version = new(() =>
    {
        using var document = JsonDocument.Parse(Read("package.json") ?? throw new InvalidOperationException("The embedded admin UI has no package.json; rebuild after `npm ci`."));
        return document.RootElement.GetProperty("version").GetString()!;
    });

    /// <summary>The version of the embedded @socket.io/admin-ui, e.g. <c>0.5.1</c>.</summary>
    public static string UiVersion => Version.Value;

    public static async Task ServeAsync(HttpContext context, string? file)
    {
        file = string.IsNullOrEmpty(file) ? "index.html" : file;
        var body = Names.Contains(file) ? Files.GetOrAdd(file, static f => f == "index.html" ? IndexPage() : Read(f)) : null;
        var response = context.Response;
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var etag = $"\"{UiVersion}\"";
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = ContentTypes.TryGetContentType(file, out var type) ? type : "application/octet-stream";
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The dashboard's page, with one line added before its scripts: when the dashboard has no server address yet,
    /// it is this page's own origin, so the dashboard connects to the server that serves it with no form to fill.
    /// </summary>
    private static byte[]? IndexPage()
    {
        if (Read("index.html") is not { } page) return null;
        const string Default = """<script>try{if(!localStorage.getItem("server_url"))localStorage.setItem("server_url",location.origin)}catch(e){}</script>""";
        var html = Encoding.UTF8.GetString(page);
        var firstScript = html.IndexOf("<script src=", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(firstScript < 0 ? html : html.Insert(firstScript, Default));
    }

    private static byte[]? Read(string file)
    {
        using var stream = typeof(AdminDashboard).Assembly.GetManifestResourceStream("admin-ui/" + file);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
