extern alias signalr;

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;
using signalr::SocketIOBasic.SignalR;
using SignalRNewsClient = SocketIOBasic.SignalRClient.NewsClient;

namespace SocketIOBasic.Tests;

/// <summary>
/// Step 03's SignalR counterpart: the news hub at /news (post 002 §12.3 as a hub), driven by the official C# client
/// (<c>HubConnectionBuilder().WithUrl(...)</c>), by hand-written protocol messages, and by the page in Chromium.
/// How that client connects (negotiation, fallback, reconnection) is in <see cref="SignalRClientTests"/>.
/// </summary>
public sealed partial class SignalRNewsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Every client gets news every 20 ms instead of every 3 s.
    private static readonly Dictionary<string, string?> FastNews = new() { ["News:IntervalMs"] = "20" };

    [Fact]
    public async Task Each_client_gets_news_every_interval_and_its_replies_are_logged()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(FastNews);
        var received = new Transcript();
        var count = 0;
        await using var connection = Connect(app, "/news");
        connection.On<string>("news", async data =>
        {
            // The page's handler: show the news, answer with "reply". Three rounds, then it stops answering.
            if (Interlocked.Increment(ref count) <= 3)
            {
                received.Add($"news: {data}");
                await connection.SendAsync("Reply", "Hello ASP.NET Core");
            }
        });

        await connection.StartAsync();
        await app.Log.WaitForText("Hello ASP.NET Core", count: 3);
        await connection.StopAsync();
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");

        var transcript = new Transcript();
        transcript.Section("server log");
        foreach (var line in app.Log.Lines) transcript.Add(line);
        transcript.Section("what the C# client received (its first three news)");
        foreach (var line in received.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), NewScrubber());
    }

    [Fact]
    public async Task On_the_wire_json_messages_end_with_a_record_separator()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(FastNews);
        var wire = new Transcript();
        var url = WebSocketUrl(app, "/news");
        await using (var socket = await SignalRWire.ConnectAsync(url))
        {
            async Task Send(string json)
            {
                wire.Add($"-> {json}␞");
                await socket.SendAsync(json);
            }
            // The next message that is not news (news keeps arriving every 20 ms in between; one is recorded above).
            async Task<string> ReceiveSkippingNews()
            {
                while (true)
                {
                    var message = await socket.ReceiveAsync() ?? throw new InvalidOperationException("The server closed the socket.");
                    if (!message.Contains("\"target\":\"news\"", StringComparison.Ordinal) && message != """{"type":6}""")
                    {
                        return message;
                    }
                }
            }

            wire.Section("handshake: the client names its protocol, the server answers {} (or an error)");
            await Send("""{"protocol":"json","version":1}""");
            wire.Add($"<- {await socket.ReceiveAsync()}␞");

            wire.Section("news: an invocation (type 1) without an invocationId, so no answer is expected");
            var news = await socket.ReceiveAsync();
            while (news == """{"type":6}""") news = await socket.ReceiveAsync();   // a ping may come first
            wire.Add($"<- {news}␞");
            await Send("""{"type":1,"target":"Reply","arguments":["Hello ASP.NET Core"]}""");

            wire.Section("invoke Ask: an invocationId asks for a completion (type 3) carrying the result");
            await Send("""{"type":1,"invocationId":"1","target":"Ask","arguments":["ok?"]}""");
            wire.Add($"<- {await ReceiveSkippingNews()}␞");

            wire.Section("calling a method that does not exist: the completion carries an error, the connection stays");
            await Send("""{"type":1,"invocationId":"2","target":"NoSuchMethod","arguments":[]}""");
            wire.Add($"<- {await ReceiveSkippingNews()}␞");
            await Send("""{"type":1,"invocationId":"3","target":"Ask","arguments":["still there?"]}""");
            wire.Add($"<- {await ReceiveSkippingNews()}␞");

            wire.Section("the client closes the WebSocket");
        }
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");

        wire.Section("server log");
        foreach (var line in app.Log.Lines) wire.Add(line);
        Snapshot.Match(wire.ToString(), NewScrubber());
    }

    [Fact]
    public async Task Ask_returns_its_answer_like_an_ack_and_the_server_can_ask_the_client_too()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var connection = Connect(app, "/news");
        connection.On("whoAreYou", () => "C# 테스트 클라이언트입니다.");
        await connection.StartAsync();

        // Client → server, with a result (Socket.IO: socket.emit("ask", q, answer => ...)).
        var answer = await connection.InvokeAsync<string>("Ask", "잘 들리나요?");
        Assert.Equal("서버의 답: \"잘 들리나요?\" 잘 받았습니다.", answer);

        // Server → client, with a result (Socket.IO: socket.emitWithAck("whoAreYou")).
        var interviewed = await connection.InvokeAsync<string>("Interview");
        Assert.Equal("C# 테스트 클라이언트입니다.", interviewed);
        await app.Log.WaitForText("클라이언트의 대답: C# 테스트 클라이언트입니다.");

        // A hub method that throws or does not exist fails that one call, and the connection keeps working.
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string>("NoSuchMethod"));
        Assert.Contains("NoSuchMethod", error.Message);
        Assert.Equal("서버의 답: \"again\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "again"));
    }

    [Fact]
    public async Task A_clients_timer_stops_when_it_disconnects_gracefully_or_abruptly()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(FastNews);
        var timers = app.Services.GetRequiredService<NewsTimers>();

        await using var first = Connect(app, "/news");
        var firstNews = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.On<string>("news", _ => firstNews.TrySetResult());
        await first.StartAsync();

        var url = WebSocketUrl(app, "/news");
        await using var second = await SignalRWire.ConnectAsync(url);
        await second.SendAsync("""{"protocol":"json","version":1}""");
        Assert.Equal("{}", await second.ReceiveAsync());
        await app.Log.WaitForText("새로운 클라이언트가 접속했습니다.", count: 2);
        Assert.Equal(2, timers.Count);
        await Wait.For(firstNews.Task, "the first client's news");

        // A graceful stop: the client closes, OnDisconnectedAsync stops its timer.
        await first.StopAsync();
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.", count: 1);
        Assert.Equal(1, timers.Count);

        // An abrupt one: the socket is dropped without a close handshake (a killed process, a lost network).
        second.Socket.Abort();
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.", count: 2);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public async Task The_page_shows_news_and_the_server_logs_its_replies()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(new Dictionary<string, string?> { ["News:IntervalMs"] = "200" });
        await using var person = await browser.NewPersonAsync("reader");
        await person.Page.GotoAsync(app.BaseAddress + "/");

        // news arrives on the page (as text) and the page answers each one.
        await person.Page.Locator("#news li").Nth(1).WaitForAsync();
        Assert.Contains("Hello SignalR", await person.Page.Locator("#news li").First.TextContentAsync());
        await app.Log.WaitForText("Hello ASP.NET Core", count: 2);
        Assert.Equal("Connected", await person.Page.Locator("#state").TextContentAsync());
        await person.Console.WaitForText("Hello SignalR");

        // invoke with a result, both ways.
        await person.Page.Locator("#ask button").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(person.Page.Locator("#answer")).ToHaveTextAsync("서버의 답: \"잘 들리나요?\" 잘 받았습니다.");
        await person.Page.Locator("#interview button").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(person.Page.Locator("#interviewed")).ToHaveTextAsync("브라우저 페이지입니다.");
        await app.Log.WaitForText("클라이언트의 대답: 브라우저 페이지입니다.");

        Assert.DoesNotContain(person.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_console_client_prints_news_replies_and_asks()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync(FastNews);
        var output = new Transcript();
        using var stop = new CancellationTokenSource();
        var run = new SignalRNewsClient(new Uri(app.BaseAddress, "/news"), output.Add).RunAsync(stop.Token);

        await output.WaitForText("news: Hello SignalR", count: 2);
        await output.WaitForText("Ask의 결과: 서버의 답: \"잘 들리나요?\" 잘 받았습니다.");
        await app.Log.WaitForText(SignalRNewsClient.Reply, count: 2);

        // Ctrl+C: the client closes its connection and the server stops its timer.
        await stop.CancelAsync();
        await Wait.For(run, "the client to stop");
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");
        Assert.Equal(0, app.Services.GetRequiredService<NewsTimers>().Count);
    }

    private static HubConnection Connect(RunningApp<signalr::Program> app, string hub) =>
        new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, hub)).Build();

    // Straight to the hub over WebSocket, without negotiating first (the JavaScript client's skipNegotiation: true).
    private static Uri WebSocketUrl(RunningApp<signalr::Program> app, string hub) =>
        new UriBuilder(new Uri(app.BaseAddress, hub)) { Scheme = "ws" }.Uri;

    // Server connection ids, as the hub logs them: "(127.0.0.1, <id>)".
    private static Scrubber NewScrubber() => Scrubber.Default().WithStartupPort().AddPattern(ConnectionIdInLog(), "connection");

    [GeneratedRegex(@"\(127\.0\.0\.1, (?<value>[A-Za-z0-9_-]+)\)")]
    private static partial Regex ConnectionIdInLog();
}
