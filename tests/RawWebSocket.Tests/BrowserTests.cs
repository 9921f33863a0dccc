using Microsoft.Playwright;
using Realtime.Testing;
using RawWebSocket.Server;

namespace RawWebSocket.Tests;

/// <summary>The page in a real Chromium, as a visitor sees it: messages on the page, in the console, replies in the server's log.</summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly Dictionary<string, string?> FastMessages = new() { ["Messages:IntervalMs"] = "50" };

    [Fact]
    public async Task The_page_connects_shows_the_servers_messages_and_replies()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        await using var visitor = await browser.NewPersonAsync("visitor");
        var page = visitor.Page;

        await page.GotoAsync(app.BaseAddress + "/");

        await Assertions.Expect(page.Locator(".hint")).ToHaveTextAsync("F12를 눌러 console 탭과 network 탭을 확인하세요.");
        var messages = page.Locator("#messages li");
        await messages.Nth(2).WaitForAsync();   // three messages arrived
        await Assertions.Expect(messages.First).ToContainTextAsync(SocketHandler.ServerMessage);
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("1 OPEN");

        await visitor.Console.WaitForText("[log] 서버와 웹 소켓 연결에 성공하였습니다.");
        await visitor.Console.WaitForText("[log] " + SocketHandler.ServerMessage, 3);
        await app.Log.WaitForText("[log] 새로운 클라이언트 접속 (ip: 127.0.0.1)");
        await app.Log.WaitForText("[log] 클라이언트에서 서버로 답장을 보냅니다.", 3);
        Assert.DoesNotContain(visitor.Console.Lines, line => line.StartsWith("[error]") || line.StartsWith("[pageerror]"));

        await page.CloseAsync();                                           // closing the tab closes the socket
        await app.Log.WaitForText("[log] 클라이언트 접속 해제 (ip: 127.0.0.1)");
    }

    [Fact]
    public async Task The_page_shows_CLOSED_and_the_code_when_the_server_stops()
    {
        var app = await RunningApp<Program>.StartAsync(FastMessages);
        await using var visitor = await browser.NewPersonAsync("visitor");
        var page = visitor.Page;
        await page.GotoAsync(app.BaseAddress + "/");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("1 OPEN");

        await app.DisposeAsync();

        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("3 CLOSED");
        await Assertions.Expect(page.Locator("#messages li").Last)
            .ToContainTextAsync("연결이 닫혔습니다. (code: 1001, server is shutting down)");
    }

    [Fact]
    public async Task Text_from_the_server_is_shown_as_text_never_as_html()
    {
        // The server itself sends markup (its message is configuration), over the real WebSocket.
        const string Markup = "<img src=x onerror=\"window.injected = true\">";
        await using var app = await RunningApp<Program>.StartAsync(new Dictionary<string, string?>(FastMessages) { ["Messages:Text"] = Markup });
        await using var visitor = await browser.NewPersonAsync("visitor");
        var page = visitor.Page;
        await page.GotoAsync(app.BaseAddress + "/");
        await page.Locator("#messages li").Nth(1).WaitForAsync();

        // Shown as the characters it is made of, never parsed as HTML.
        await Assertions.Expect(page.Locator("#messages li", new() { HasText = Markup }).First).ToBeVisibleAsync();
        await visitor.Console.WaitForText("[log] " + Markup);
        Assert.Equal(0, await page.Locator("#messages img").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"));
    }
}
