using System.Collections.Concurrent;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Realtime.EngineIO;

namespace Realtime.SocketIO;

/// <summary>
/// Serves the official browser client at <c>{path}/socket.io.js</c> (and <c>.min.js</c>, <c>.esm.min.js</c>,
/// <c>.msgpack.min.js</c>, each with its <c>.map</c>), as the Node server does: the page loads
/// <c>&lt;script src="/socket.io/socket.io.js"&gt;</c> and no file needs to be on disk. The files are the npm package
/// <c>socket.io-client</c>, embedded at build time; the ETag is its version, so browsers revalidate with 304.
/// </summary>
internal static class ClientBundle
{
    private static readonly string[] Files =
    [
        "socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js",
    ];

    private static readonly Lazy<string> Version = new(ReadPackageVersion);
    private static readonly ConcurrentDictionary<(string File, string Encoding), byte[]> Cache = new();

    /// <summary>The version of the embedded socket.io-client, e.g. <c>4.8.4</c>.</summary>
    public static string ClientVersion => Version.Value;

    /// <summary>Maps one literal route per file, so every other name under the path still reaches Engine.IO.</summary>
    public static IEnumerable<IEndpointConventionBuilder> Map(IEndpointRouteBuilder endpoints, string path, EngineCorsOptions? cors)
    {
        foreach (var file in Files.SelectMany(f => new[] { f, f + ".map" }))
        {
            yield return endpoints.MapGet($"{path.TrimEnd('/')}/{file}", (HttpContext context) => Serve(context, file, cors))
                .WithDisplayName("Socket.IO client " + file)
                .ExcludeFromDescription();
        }
    }

    private static async Task Serve(HttpContext context, string file, EngineCorsOptions? cors)
    {
        var response = context.Response;
        if (cors is not null)
        {
            cors.WriteHeaders(context.Request, response);
        }

        var etag = $"\"{ClientVersion}\"";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch == etag || ifNoneMatch == "W/" + etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var encoding = ChooseEncoding(context.Request.Headers.AcceptEncoding);
        var body = Cache.GetOrAdd((file, encoding), static key => Load(key.File, key.Encoding));

        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "public, max-age=0";
        response.Headers.ETag = etag;
        response.ContentType = file.EndsWith(".map", StringComparison.Ordinal)
            ? "application/json; charset=utf-8"
            : "application/javascript; charset=utf-8";
        if (encoding != "identity")
        {
            response.Headers.ContentEncoding = encoding;
            response.Headers.Vary = "Accept-Encoding";
        }
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Prefers br, then gzip, then deflate, honouring q-values (<c>gzip;q=0</c> refuses gzip).</summary>
    internal static string ChooseEncoding(StringValues acceptEncoding)
    {
        string[] preference = ["br", "gzip", "deflate"];
        var best = "identity";
        var bestQ = 0.0;
        var bestRank = int.MaxValue;
        foreach (var header in acceptEncoding)
        {
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pieces = part.Split(';', StringSplitOptions.TrimEntries);
                var q = 1.0;
                foreach (var parameter in pieces.Skip(1))
                {
                    if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                        && double.TryParse(parameter.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                    {
                        q = parsed;
                    }
                }
                var names = pieces[0] == "*" ? preference : [pieces[0].ToLowerInvariant()];
                foreach (var name in names)
                {
                    var rank = Array.IndexOf(preference, name);
                    if (rank < 0 || q <= 0)
                    {
                        continue;
                    }
                    if (q > bestQ || (q == bestQ && rank < bestRank))
                    {
                        (best, bestQ, bestRank) = (name, q, rank);
                    }
                }
            }
        }
        return best;
    }

    private static byte[] Load(string file, string encoding)
    {
        var raw = ReadResource(file);
        if (encoding == "identity")
        {
            return raw;
        }
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
               {
                   "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
                   "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
                   _ => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
               })
        {
            compressor.Write(raw);
        }
        return output.ToArray();
    }

    private static byte[] ReadResource(string file)
    {
        using var stream = typeof(ClientBundle).Assembly.GetManifestResourceStream("client-dist/" + file)
            ?? throw new InvalidOperationException($"The embedded client file {file} is missing; rebuild after `npm ci`.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ReadPackageVersion()
    {
        using var document = JsonDocument.Parse(ReadResource("package.json"));
        return document.RootElement.GetProperty("version").GetString()
            ?? throw new InvalidOperationException("socket.io-client's package.json has no version.");
    }
}
