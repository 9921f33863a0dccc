extern alias signalr;

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// What the official C# client (<c>Microsoft.AspNetCore.SignalR.Client</c>, <c>WithUrl</c>) does before the first
/// message: it negotiates, picks the best transport both sides can use and falls back when one is refused; and what
/// <c>WithAutomaticReconnect</c> does when the server goes away and comes back (the SignalR twin of
/// <see cref="SocketIONewsTests.The_node_client_reconnects_by_itself_when_the_server_comes_back_on_the_same_port"/>).
/// </summary>
public sealed partial class SignalRClientTests
{
    // No news during these tests: they are about the connection, not the timer.
    private static readonly Dictionary<string, string?> NoNews = new() { ["News:IntervalMs"] = "600000" };

    [Fact]
    public async Task WithUrl_negotiates_then_uses_WebSockets_and_learns_its_connection_id()
    {
        var requests = new Transcript();
        await using var app = await RunningApp<signalr::Program>.StartAsync(NoNews, configure: Proxy(requests, refuse: 0));
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/news")).Build();

        await connection.StartAsync();
        Assert.Equal("서버의 답: \"ping\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "ping"));

        // Negotiation told the client its connection id: the one the hub logs.
        Assert.NotNull(connection.ConnectionId);
        await app.Log.WaitForText($"새로운 클라이언트가 접속했습니다. (127.0.0.1, {connection.ConnectionId})");
        Assert.Equal(["negotiate", "WebSocket"], requests.Lines.Where(l => !l.StartsWith("   ", StringComparison.Ordinal)).Select(Kind));
    }

    [Fact]
    public async Task When_WebSockets_are_refused_the_client_falls_back_to_Server_Sent_Events()
    {
        // A proxy in front of the server that does not let WebSocket upgrades through (some company proxies).
        var requests = new Transcript();
        await using var app = await RunningApp<signalr::Program>.StartAsync(NoNews, configure: Proxy(requests, refuse: HttpTransportType.WebSockets));
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/news")).Build();

        await connection.StartAsync();
        var answer = await connection.InvokeAsync<string>("Ask", "SSE?");
        await connection.StopAsync();
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");

        var transcript = new Transcript();
        transcript.Section("the requests the client made, as a proxy in front of the server saw them (POST: the messages it carried; pings left out)");
        foreach (var line in requests.Lines) transcript.Add(line);
        transcript.Section("the result of Ask, which came down the event stream (GET) as a completion message");
        transcript.Add(answer);
        transcript.Section("server log");
        foreach (var line in app.Log.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), NewScrubber());
    }

    [Fact]
    public async Task When_WebSockets_and_Server_Sent_Events_are_refused_the_client_falls_back_to_long_polling()
    {
        var requests = new Transcript();
        await using var app = await RunningApp<signalr::Program>.StartAsync(
            NoNews, configure: Proxy(requests, refuse: HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents));
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/news")).Build();
        connection.On("whoAreYou", () => "폴링 클라이언트입니다.");

        await connection.StartAsync();
        Assert.Equal("서버의 답: \"polling?\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "polling?"));
        // The server can still call the client: its call waits in the answer to the client's next poll.
        Assert.Equal("폴링 클라이언트입니다.", await connection.InvokeAsync<string>("Interview"));

        // Three negotiations (one per transport tried), two refusals, then polls.
        var kinds = requests.Lines.Where(l => !l.StartsWith("   ", StringComparison.Ordinal)).Select(Kind).ToList();
        Assert.Equal(["negotiate", "WebSocket", "negotiate", "Server-Sent Events", "negotiate", "long polling"], kinds.Take(6));
        Assert.Equal(2, requests.Count(l => l.Contains("403", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WithAutomaticReconnect_reconnects_when_the_server_comes_back_on_the_same_port()
    {
        var first = await RunningApp<signalr::Program>.StartAsync(NoNews);
        var address = first.BaseAddress;
        // Every connection attempt starts with a negotiate request through this handler (so it also counts them).
        // While the first server shuts down it still accepts requests for a moment, and a client that got in then
        // would hold up its shutdown until the host's timeout: the gate keeps retries away only while it stops.
        var gate = new NegotiateGate();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/news"), options => options.HttpMessageHandlerFactory = inner => gate.Wrap(inner))
            .WithAutomaticReconnect(new RetryQuickly())
            .Build();
        var reconnecting = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += error => { reconnecting.TrySetResult(error); return Task.CompletedTask; };
        connection.Reconnected += id => { reconnected.TrySetResult(id); return Task.CompletedTask; };
        await connection.StartAsync();
        var firstId = connection.ConnectionId;
        await first.Log.WaitForText($"새로운 클라이언트가 접속했습니다. (127.0.0.1, {firstId})");

        // Stop the server (Ctrl+C): it closes every connection; the client notices and starts retrying.
        gate.Close();
        await first.DisposeAsync();
        await Wait.For(reconnecting.Task, "the Reconnecting event");
        Assert.Equal(HubConnectionState.Reconnecting, connection.State);
        gate.Open();   // from now on, retries meet a closed port until the server is back

        // Start it again on the same port: a retry negotiates again and gets a new connection id.
        await using var second = await RunningApp<signalr::Program>.StartAsync(
            new Dictionary<string, string?>(NoNews) { ["urls"] = address.ToString() });
        var secondId = await Wait.For(reconnected.Task, "the Reconnected event");
        Assert.Equal(HubConnectionState.Connected, connection.State);
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(secondId, connection.ConnectionId);
        await second.Log.WaitForText($"새로운 클라이언트가 접속했습니다. (127.0.0.1, {secondId})");
        Assert.Equal("서버의 답: \"back?\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "back?"));
        Assert.True(gate.Negotiations >= 2, $"{gate.Negotiations} negotiation(s)");
    }

    [Fact]
    public async Task A_wrong_url_fails_StartAsync_at_negotiation()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(NoNews);
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/no-such-hub")).Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Contains("404", error.Message);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private static string Kind(string line) => line switch
    {
        _ when line.Contains("/negotiate", StringComparison.Ordinal) => "negotiate",
        _ when line.Contains("WebSocket upgrade", StringComparison.Ordinal) => "WebSocket",
        _ when line.Contains("Server-Sent Events", StringComparison.Ordinal) => "Server-Sent Events",
        _ when line.Contains("long polling", StringComparison.Ordinal) => "long polling",
        _ => line,
    };

    /// <summary>
    /// Puts a small "proxy" in front of the app's own pipeline: it writes down each request the client makes (and
    /// negotiate's answer), and answers 403 to the transports in <paramref name="refuse"/> without passing them on.
    /// </summary>
    private static Action<IWebHostBuilder> Proxy(Transcript requests, HttpTransportType refuse) =>
        builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ProxyFilter(requests, refuse)));

    private sealed class ProxyFilter(Transcript requests, HttpTransportType refuse) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                var request = $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
                var (what, transport) = context.Request switch
                {
                    { Method: "POST" } r when r.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) => ("negotiate", (HttpTransportType)0),
                    // (context.WebSockets.IsWebSocketRequest would say false here: UseWebSockets, which MapHub
                    // adds, runs after this middleware. The request's own header says it.)
                    _ when string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase) => ("WebSocket upgrade", HttpTransportType.WebSockets),
                    { Method: "GET" } r when r.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal) => ("Server-Sent Events", HttpTransportType.ServerSentEvents),
                    { Method: "GET" } => ("long polling", HttpTransportType.LongPolling),
                    { Method: "POST" } => ("a message from the client", (HttpTransportType)0),
                    { Method: "DELETE" } => ("the client ends the connection", (HttpTransportType)0),
                    _ => ("?", (HttpTransportType)0),
                };
                if (what == "a message from the client")
                {
                    // The hub protocol's messages, each ended by the record separator 0x1E (shown as ␞), one line each.
                    // Pings ({"type":6}) are left out: when they go depends on a timer, and one POST may carry several.
                    context.Request.EnableBuffering();
                    using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
                    foreach (var message in (await reader.ReadToEndAsync()).Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (message != """{"type":6}""") requests.Add($"{request}  {message}␞");
                    }
                    context.Request.Body.Position = 0;
                }
                else
                {
                    requests.Add($"{request}  ({what})");
                }
                if ((transport & refuse) != 0)
                {
                    requests.Add("   <- 403: the proxy refuses it; the client negotiates again and tries the next transport");
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }
                if (what != "negotiate")
                {
                    await nextMiddleware(context);
                    return;
                }
                // Keep negotiate's answer to show it: the connection id, a token for the next requests, the transports.
                var body = context.Response.Body;
                using var copy = new MemoryStream();
                context.Response.Body = copy;
                await nextMiddleware(context);
                requests.Add($"   <- {context.Response.StatusCode} {System.Text.Encoding.UTF8.GetString(copy.ToArray())}");
                copy.Position = 0;
                context.Response.Body = body;
                await copy.CopyToAsync(body);
            });
            next(app);
        };
    }

    /// <summary>Counts negotiate requests; while closed, fails them as an unreachable server would.</summary>
    private sealed class NegotiateGate
    {
        private volatile bool _closed;
        private int _negotiations;

        public int Negotiations => Volatile.Read(ref _negotiations);

        public void Close() => _closed = true;

        public void Open() => _closed = false;

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this, inner);

        private sealed class Handler(NegotiateGate gate, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri!.AbsolutePath.EndsWith("/negotiate", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref gate._negotiations);
                    if (gate._closed)
                    {
                        throw new HttpRequestException("The test keeps retries away while the server stops.");
                    }
                }
                return base.SendAsync(request, cancellationToken);
            }
        }
    }

    /// <summary>Retry every 50 ms for up to 15 s (the default policy waits 0, 2, 10, 30 s).</summary>
    private sealed class RetryQuickly : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime < Wait.DefaultTimeout ? TimeSpan.FromMilliseconds(50) : null;
    }

    // Connection ids in negotiate's answer and in the hub's log (numbered in that order); connection tokens in negotiate's answer and URLs.
    private static Scrubber NewScrubber() => Scrubber.Default().WithStartupPort()
        .AddPattern(ConnectionIdInJson(), "connection")
        .AddPattern(ConnectionIdInLog(), "connection")
        .AddPattern(TokenInJson(), "token")
        .AddPattern(TokenInUrl(), "token");

    [GeneratedRegex(@"\(127\.0\.0\.1, (?<value>[A-Za-z0-9_-]+)\)")]
    private static partial Regex ConnectionIdInLog();

    [GeneratedRegex(@"""connectionId"":""(?<value>[A-Za-z0-9_-]+)""")]
    private static partial Regex ConnectionIdInJson();

    [GeneratedRegex(@"""connectionToken"":""(?<value>[A-Za-z0-9_-]+)""")]
    private static partial Regex TokenInJson();

    [GeneratedRegex(@"[?&]id=(?<value>[A-Za-z0-9_-]+)")]
    private static partial Regex TokenInUrl();
}
