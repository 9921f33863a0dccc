using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Realtime.Testing;

/// <summary>How nginx keeps one client on one server (see <see cref="NginxServer"/>).</summary>
public enum NginxStickiness
{
    /// <summary>
    /// Round robin, request by request. Enough for clients that open one WebSocket and nothing else (Socket.IO with
    /// <c>transports: ["websocket"]</c>, SignalR with <c>skipNegotiation</c>); long-polling sessions break with
    /// "Session ID unknown" (Socket.IO) or 404 (SignalR) when a request lands on the other server.
    /// </summary>
    None,

    /// <summary>
    /// A cookie that nginx sets itself, naming the server that answered (<see cref="NginxServer.CookieName"/>): a
    /// client's first request goes round robin, every later one carrying the cookie goes back to that server. The
    /// open-source counterpart of nginx Plus <c>sticky cookie</c> and HAProxy <c>cookie … insert</c>. Needs a client
    /// that keeps cookies (browsers do; other clients need a cookie jar).
    /// </summary>
    Cookie,

    /// <summary>
    /// <c>ip_hash</c>: by the client's address, as Socket.IO's docs show for nginx. Needs nothing from the client, but
    /// every client behind one address (one office NAT, or every client of a test on 127.0.0.1) lands on ONE server.
    /// </summary>
    ClientAddress,
}

/// <summary>
/// A real nginx (Debian's package) started by a test on a free port of 127.0.0.1, in front of several upstream
/// servers, and stopped by its PID when the test ends. The configuration suits Socket.IO and SignalR: WebSocket
/// upgrades passed through, no response buffering, hour-long read timeouts, and sticky sessions as asked.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SiteConfig"/> is the reusable part (upstream, stickiness, the proxy location), the file an app would
/// put in <c>/etc/nginx/conf.d/</c>; <see cref="TestConfig"/> wraps it for a test: <c>daemon off</c> and
/// <c>master_process off</c> keep nginx one process in the foreground, ours to stop, and its pid file, logs and
/// temporary files live in a fresh directory (<see cref="Prefix"/>); its error and access logs go to its standard
/// error, read by the test (<see cref="Output"/>). The access log names the server that answered each request
/// (<see cref="AccessLog"/>), so a test can show where traffic went.
/// </para>
/// <para>
/// Why not hash on Engine.IO's own <c>io</c> cookie (<c>hash $cookie_io consistent</c>)? The handshake, the first
/// request, has no cookie yet, so every handshake hashes the same empty key to one server; that server answers with
/// <c>io=&lt;sid&gt;</c>, and the next request hashes the sid, which may pick the OTHER server: 400 "Session ID
/// unknown" for about half the sessions. A server-chosen value can only steer requests if it names the server, which
/// is what <see cref="NginxStickiness.Cookie"/> does. <c>ip_hash</c> works, but on one machine all clients share
/// 127.0.0.1 and land on one server, so a test that must show two servers busy uses the cookie.
/// </para>
/// </remarks>
public sealed class NginxServer : IAsyncDisposable
{
    /// <summary>The cookie nginx sets in <see cref="NginxStickiness.Cookie"/> mode; its value is the server's address.</summary>
    public const string CookieName = "socketio_server";

    private Process? _process;

    private NginxServer(int port, string prefix, string config)
    {
        Port = port;
        Prefix = prefix;
        Config = config;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The temporary directory holding nginx.conf, the pid file, the logs and nginx's temporary files.</summary>
    public string Prefix { get; }

    /// <summary>The whole configuration nginx runs with.</summary>
    public string Config { get; }

    /// <summary>What nginx writes to its standard error: its error log (start-up notices, upstream errors) and its access log.</summary>
    public Transcript Output { get; } = new();

    /// <summary>The process id while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>
    /// Starts nginx on a free port in front of <paramref name="upstreams"/> (e.g. apps' base addresses) and waits
    /// until it accepts connections.
    /// </summary>
    public static async Task<NginxServer> StartNewAsync(IEnumerable<Uri> upstreams, NginxStickiness stickiness)
    {
        var servers = upstreams.Select(u => $"{u.Host}:{u.Port}").ToList();
        var port = RedisServer.FreeLoopbackPort();
        var prefix = Directory.CreateTempSubdirectory("nginx-").FullName;
        var config = TestConfig(prefix, SiteConfig($"127.0.0.1:{port}", servers, stickiness));
        var nginx = new NginxServer(port, prefix, config);
        await nginx.StartAsync();
        return nginx;
    }

    /// <summary>
    /// The reusable part, for nginx's <c>http { }</c> block (a file in <c>/etc/nginx/conf.d/</c>): the upstream group,
    /// the stickiness, and a server that proxies everything (pages, <c>/socket.io/</c>, SignalR hubs) to the group.
    /// </summary>
    /// <param name="listen">nginx's <c>listen</c>, e.g. <c>80</c> or <c>127.0.0.1:8080</c>.</param>
    /// <param name="servers">The upstream servers, <c>host:port</c> each.</param>
    /// <param name="stickiness">How one client stays on one server.</param>
    public static string SiteConfig(string listen, IReadOnlyList<string> servers, NginxStickiness stickiness)
    {
        if (servers.Count == 0) throw new ArgumentException("Name at least one upstream server.", nameof(servers));
        var text = new StringBuilder();
        text.Append("""
            # nginx in front of several Socket.IO (or SignalR) servers that share Redis.
            # Generated by tests/Realtime.Testing/NginxServer.cs (SiteConfig); goes inside http { }, e.g. in /etc/nginx/conf.d/.

            # A WebSocket asks to switch protocols with "Upgrade: websocket" + "Connection: Upgrade"; both are hop-by-hop
            # headers that a proxy drops, so pass them on by hand. Other requests send no Connection header (nginx would
            # send "Connection: close"), so the keepalive connections below are reused.
            map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      '';
            }

            upstream socketio_servers {

            """);
        if (stickiness == NginxStickiness.ClientAddress)
        {
            text.Append("""
                    # Sticky by the client's address. Every client behind one address (one NAT, or 127.0.0.1) gets ONE server.
                    ip_hash;

                """);
        }
        foreach (var server in servers) text.Append(CultureInfo.InvariantCulture, $"    server {server};\n");
        text.Append("""
                # Reuse connections to the servers for plain HTTP requests (long-polling).
                keepalive 16;
            }


            """);
        var target = "socketio_servers";
        if (stickiness == NginxStickiness.Cookie)
        {
            target = "$socketio_target";
            text.Append(CultureInfo.InvariantCulture, $$"""
                # Sticky by a cookie that nginx sets (below): it names the server that answered the client's first request,
                # and sends every later request that carries it back to that server. Only the servers listed here are
                # accepted; no cookie (or an unknown value) means any server, round robin.
                map $cookie_{{CookieName}} $socketio_target {

                """);
            foreach (var server in servers) text.Append(CultureInfo.InvariantCulture, $"    {server,-21} {server};\n");
            text.Append("""
                    default               socketio_servers;
                }


                """);
        }
        text.Append(CultureInfo.InvariantCulture, $$"""
            server {
                listen {{listen}};

                location / {
                    proxy_pass http://{{target}};
                    proxy_http_version 1.1;                          # WebSocket upgrades and keep-alive need HTTP/1.1
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_buffering off;                             # a long-polling answer goes out as soon as it comes
                    proxy_read_timeout 1h;                           # an open WebSocket may be quiet between pings
                    proxy_send_timeout 1h;

            """);
        if (stickiness == NginxStickiness.Cookie)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                        add_header Set-Cookie "{CookieName}=$upstream_addr; Path=/; HttpOnly; SameSite=Lax" always;

                """);
        }
        text.Append("""
                }
            }

            """);
        return text.ToString();
    }

    /// <summary>
    /// A whole nginx.conf for a test around <paramref name="site"/>: one process in the foreground (ours to stop by
    /// PID), and every file it writes under <paramref name="prefix"/>.
    /// </summary>
    public static string TestConfig(string prefix, string site) => $$"""
        # nginx for one test: one foreground process, every file under {{prefix}}.
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        lock_file {{prefix}}/nginx.lock;
        error_log stderr notice;

        events {
            worker_connections 1024;
        }

        http {
            default_type application/octet-stream;
            client_body_temp_path {{prefix}}/client_body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            # One line per request, on standard error beside the error log: which server answered it.
            log_format upstreams 'access: $request_method $uri $status -> $upstream_addr';
            access_log /dev/stderr upstreams;

        {{string.Join('\n', site.Split('\n').Select(l => l.Length == 0 ? l : "    " + l))}}
        }

        """;

    /// <summary>
    /// The access log so far, one line per finished request: <c>access: GET /socket.io/ 200 -> 127.0.0.1:41234</c>
    /// (the server that answered). It is part of <see cref="Output"/>, so a test can wait for a line.
    /// </summary>
    public IReadOnlyList<string> AccessLog => [.. Output.Lines.Where(l => l.StartsWith("access: ", StringComparison.Ordinal))];

    private async Task StartAsync()
    {
        var configPath = Path.Combine(Prefix, "nginx.conf");
        await File.WriteAllTextAsync(configPath, Config);
        var path = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -p: the prefix for relative paths; -e: the error log before the configuration is read (not /var/log).
        foreach (var arg in new[] { "-p", Prefix, "-c", configPath, "-e", "stderr" })
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Add(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("nginx is not installed (./test.sh installs Debian's nginx when it runs as root).", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilListeningAsync(process);
    }

    // Ready: after nginx has opened its listening sockets it logs its system notices, the last one being
    // "getrlimit(RLIMIT_NOFILE): …". Wait for that line (or for nginx to exit: a bad configuration), then check that
    // the port really answers.
    private async Task WaitUntilListeningAsync(Process process)
    {
        var ready = Output.WaitFor(l => l.Contains("getrlimit(", StringComparison.Ordinal), what: "from nginx saying it has started");
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready, exited) == exited)
        {
            throw new InvalidOperationException($"nginx exited with {process.ExitCode} before listening:\n{Output}\n--- nginx.conf ---\n{Config}");
        }
        await ready;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
    }

    /// <summary>Stops nginx by its PID and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
        try
        {
            Directory.Delete(Prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
