using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Realtime.SocketIO;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>
/// Step 08 as README "More than one server" runs it: a real redis-server, two real shops (a and b) sharing it, one
/// SQLite file and one JWT secret, and a real nginx in front of them running the committed
/// <c>08-buy-alerts/nginx/nginx.conf</c> and <c>shop.conf</c> (only the ports changed). Every process is stopped on
/// dispose (nginx and redis-server by their PIDs).
/// </summary>
public sealed class ShopCluster : IAsyncDisposable
{
    private readonly string _folder;

    private ShopCluster(RedisServer redis, ShopServer a, ShopServer b, ShopNginx nginx, string folder)
    {
        Redis = redis;
        A = a;
        B = b;
        Nginx = nginx;
        _folder = folder;
    }

    public RedisServer Redis { get; }
    public ShopServer A { get; }
    public ShopServer B { get; }
    public ShopNginx Nginx { get; }

    /// <summary>What a browser opens: nginx.</summary>
    public Uri BaseAddress => Nginx.BaseAddress;

    public static async Task<ShopCluster> StartAsync()
    {
        var redis = await RedisServer.StartNewAsync();
        var folder = ShopServer.NewTempFolder();
        // The same database file and (ShopServer's) the same JWT secret; --Redis turns the cluster on.
        var settings = new Dictionary<string, string?> { ["Redis"] = redis.Configuration };
        // One after the other: the first creates the database, the second finds it.
        var a = await ShopServer.StartAsync(settings, folder: folder);
        var b = await ShopServer.StartAsync(settings, folder: folder);
        var nginx = await ShopNginx.StartAsync(a.BaseAddress, b.BaseAddress);
        return new ShopCluster(redis, a, b, nginx, folder);
    }

    /// <summary>The Socket.IO server of an instance.</summary>
    public static SocketIOServer IO(ShopServer shop) => shop.App.Services.GetRequiredService<SocketIOServer>();

    /// <summary>Whether the socket <paramref name="socketId"/> is connected to this instance (not to another one).</summary>
    public static bool HasLocalSocket(ShopServer shop, string socketId) => IO(shop).Sockets.Sockets.ContainsKey(socketId);

    /// <summary>The warnings and errors either instance logged (a failed viewer count, a lost Redis, ...).</summary>
    public IReadOnlyList<string> Problems =>
        [.. A.Log.Lines.Concat(B.Log.Lines).Where(l => l.Contains("warn: ", StringComparison.Ordinal) || l.Contains("error: ", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await Nginx.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// nginx running the workshop's own files, <c>08-buy-alerts/nginx/nginx.conf</c> and <c>shop.conf</c>, with only the
/// ports replaced: 3001 → instance a, 3002 → instance b, 3000 → a free port. (Realtime.Testing's NginxServer runs the
/// configuration it generates; this one must prove the committed files.)
/// </summary>
public sealed class ShopNginx : IAsyncDisposable
{
    private readonly Process _process;

    private ShopNginx(Process process, int port, string prefix, string siteConfig)
    {
        _process = process;
        Port = port;
        Prefix = prefix;
        SiteConfig = siteConfig;
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public string Prefix { get; }

    /// <summary>shop.conf as it runs here (the committed one with the test's ports).</summary>
    public string SiteConfig { get; }

    /// <summary>nginx's standard output (the access log: <c>nginx: GET /... 200 -> 127.0.0.1:port (shop_node=a)</c>) and error.</summary>
    public Transcript Output { get; } = new();

    /// <summary>The committed folder <c>08-buy-alerts/nginx</c>.</summary>
    public static string CommittedFolder([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "08-buy-alerts", "nginx"));

    public static async Task<ShopNginx> StartAsync(Uri a, Uri b)
    {
        var port = RedisServer.FreeLoopbackPort();
        var committed = CommittedFolder();
        var site = await File.ReadAllTextAsync(Path.Combine(committed, "shop.conf"));
        site = Replace(site, "127.0.0.1:3001", $"127.0.0.1:{a.Port}");
        site = Replace(site, "127.0.0.1:3002", $"127.0.0.1:{b.Port}");
        site = Replace(site, "listen 3000;", $"listen 127.0.0.1:{port};");
        var prefix = Directory.CreateTempSubdirectory("shop-nginx-").FullName;
        File.Copy(Path.Combine(committed, "nginx.conf"), Path.Combine(prefix, "nginx.conf"));
        await File.WriteAllTextAsync(Path.Combine(prefix, "shop.conf"), site);

        // The command of README and run-cluster.sh: nginx -p <folder> -c nginx.conf -e stderr
        var start = new ProcessStartInfo(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", prefix, "-c", "nginx.conf", "-e", "stderr" })
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        var nginx = new ShopNginx(process, port, prefix, site);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) nginx.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) nginx.Output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Started: nginx logs its system notices after opening its sockets, the last one "getrlimit(...)".
        var ready = nginx.Output.WaitFor(l => l.Contains("getrlimit(", StringComparison.Ordinal), what: "from nginx saying it has started");
        if (await Task.WhenAny(ready, process.WaitForExitAsync()) != ready)
        {
            throw new InvalidOperationException($"nginx exited with {process.ExitCode}:\n{nginx.Output}\n--- shop.conf ---\n{site}");
        }
        await ready;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return nginx;
    }

    private static string Replace(string text, string what, string with)
    {
        Assert.Contains(what, text); // the committed file still has the ports this test expects
        return text.Replace(what, with, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(Prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
