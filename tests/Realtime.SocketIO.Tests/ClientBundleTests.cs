using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Realtime.EngineIO;
using Realtime.SocketIO.Tests.Infrastructure;

namespace Realtime.SocketIO.Tests;

/// <summary>The browser client served at {path}/socket.io.js, as PROTOCOL.md describes the Node server's.</summary>
public class ClientBundleTests
{
    private static readonly string NodeModules = Path.Combine(RepoRoot(), "node_modules", "socket.io-client");

    [Theory]
    [InlineData("socket.io.js", "application/javascript; charset=utf-8")]
    [InlineData("socket.io.min.js", "application/javascript; charset=utf-8")]
    [InlineData("socket.io.esm.min.js", "application/javascript; charset=utf-8")]
    [InlineData("socket.io.msgpack.min.js", "application/javascript; charset=utf-8")]
    [InlineData("socket.io.js.map", "application/json; charset=utf-8")]
    [InlineData("socket.io.min.js.map", "application/json; charset=utf-8")]
    public async Task Serves_the_npm_package_files_byte_for_byte_with_nodes_headers(string file, string contentType)
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        using var http = server.CreateClient();

        using var response = await http.GetAsync($"/socket.io/{file}?t=ignored");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=0", response.Headers.CacheControl!.ToString());
        Assert.Equal($"\"{PackageVersion()}\"", response.Headers.ETag!.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(NodeModules, "dist", file)), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_bundle_names_its_source_map()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        using var http = server.CreateClient();

        var script = await http.GetStringAsync("/socket.io/socket.io.min.js");

        Assert.EndsWith("//# sourceMappingURL=socket.io.min.js.map", script.TrimEnd());
    }

    [Theory]
    [InlineData("\"{0}\"")]
    [InlineData("W/\"{0}\"")]
    public async Task A_matching_etag_gets_304_without_a_body(string ifNoneMatch)
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/socket.io/socket.io.js");
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(ifNoneMatch, PackageVersion()));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("br;q=0, gzip;q=0.5, deflate;q=0.8", "deflate")]
    public async Task Compresses_by_accept_encoding_preferring_br_then_gzip_then_deflate(string acceptEncoding, string expected)
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/socket.io/socket.io.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, Assert.Single(response.Content.Headers.ContentEncoding));
        await using var body = await response.Content.ReadAsStreamAsync();
        await using Stream decompressed = expected switch
        {
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            _ => new ZLibStream(body, CompressionMode.Decompress),
        };
        using var copy = new MemoryStream();
        await decompressed.CopyToAsync(copy);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(NodeModules, "dist", "socket.io.js")), copy.ToArray());
    }

    [Fact]
    public async Task Carries_the_cors_headers_when_cors_is_configured()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(options: o => o.Cors = EngineCorsOptions.AnyOrigin());
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/socket.io/socket.io.js");
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost:3000");

        using var response = await http.SendAsync(request);

        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Theory]
    [InlineData("socket.io.foo.js")]
    [InlineData("other.js")]
    public async Task Any_other_file_goes_to_engine_io_which_answers_transport_unknown(string file)
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync();
        using var http = server.CreateClient();

        using var response = await http.GetAsync($"/socket.io/{file}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeClient_false_turns_it_off()
    {
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(options: o => o.ServeClient = false);
        using var http = server.CreateClient();

        using var response = await http.GetAsync("/socket.io/socket.io.js");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":0,\"message\":\"Transport unknown\"}", await response.Content.ReadAsStringAsync());
    }

    private static string PackageVersion()
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(NodeModules, "package.json")));
        return document.RootElement.GetProperty("version").GetString()!;
    }

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
