using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace SocketIOBasic.Tests;

/// <summary>Step 03's page (wwwroot/index.html) in a real Chromium, against the real server.</summary>
public sealed class SocketIOBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_page_shows_news_answers_with_reply_and_does_acks_both_ways()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 200);
        await using var person = await browser.NewPersonAsync("reader");
        await person.Page.GotoAsync(server.BaseAddress + "/");

        // news is shown (as text) and logged in the console; each one is answered with reply.
        await person.Page.Locator("#news li").Nth(1).WaitForAsync();
        Assert.Contains("Hello Socket.IO", await person.Page.Locator("#news li").First.TextContentAsync());
        await person.Console.WaitForText("[log] Hello Socket.IO");
        await server.Steps.WaitForText("Hello Node.JS", count: 2);
        await Expect(person.Page.Locator("#state")).ToHaveTextAsync("connected");

        // The page's socket.id is the one the server logged.
        var id = await person.Page.Locator("#socket-id").TextContentAsync();
        await server.Steps.WaitForText($"새로운 클라이언트가 접속했습니다. (127.0.0.1, {id}, 127.0.0.1)");

        // Acks: the page asks (callback gets the handler's return value); the server asks the page back.
        await person.Page.Locator("#ask button").ClickAsync();
        await Expect(person.Page.Locator("#answer")).ToHaveTextAsync("서버의 답: \"잘 들리나요?\" 잘 받았습니다.");
        await person.Page.Locator("#interview button").ClickAsync();
        await Expect(person.Page.Locator("#interviewed")).ToHaveTextAsync("서버가 들은 대답: 브라우저 페이지입니다.");
        await server.Steps.WaitForText("클라이언트의 대답: 브라우저 페이지입니다.");

        AssertNoErrors(person);
    }

    [Fact]
    public async Task By_default_the_page_starts_with_polling_and_upgrades_to_websocket()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        await using var person = await browser.NewPersonAsync("reader");
        await person.Page.GotoAsync(server.BaseAddress + "/");

        await Expect(person.Page.Locator("#transports")).ToHaveTextAsync("polling → websocket");
        await Expect(person.Page.Locator("#transport")).ToHaveTextAsync("websocket");
        await server.Transports.WaitForText("upgraded to websocket");
        Assert.Equal(["opened over polling", "upgraded to websocket"], server.Transports.Lines.Take(2));
        AssertNoErrors(person);
    }

    [Fact]
    public async Task With_transports_websocket_the_page_uses_websocket_from_the_start()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        await using var person = await browser.NewPersonAsync("reader");
        await person.Page.GotoAsync(server.BaseAddress + "/?transports=websocket");

        await Expect(person.Page.Locator("#state")).ToHaveTextAsync("connected");
        await Expect(person.Page.Locator("#transports")).ToHaveTextAsync("websocket");
        await server.Transports.WaitForText("opened over websocket");
        Assert.Equal(["opened over websocket"], server.Transports.Lines);
        AssertNoErrors(person);
    }

    [Fact]
    public async Task Two_windows_each_get_their_own_news()
    {
        await using var server = await SocketIONewsServer.StartAsync(intervalMs: 50);
        await using var first = await browser.NewPersonAsync("first");
        await using var second = await browser.NewPersonAsync("second");
        await first.Page.GotoAsync(server.BaseAddress + "/");
        await second.Page.GotoAsync(server.BaseAddress + "/");
        await WaitForCount(first, 3);
        await WaitForCount(second, 3);

        var firstId = (await first.Page.Locator("#socket-id").TextContentAsync())!;
        var secondId = (await second.Page.Locator("#socket-id").TextContentAsync())!;
        Assert.NotEqual(firstId, secondId);

        // socket.Emit reaches only its own socket: a page never has more news than the server sent to ITS socket
        // (read the page first, the server second). Were news sent to everyone, each page would also count the
        // other window's news (at least three by now) and be ahead of its own socket's count.
        foreach (var (person, id) in new[] { (first, firstId), (second, secondId) })
        {
            var shown = await Count(person);
            var sent = server.NewsSentTo(id);
            Assert.InRange(shown, 3, sent);
        }
    }

    [Fact]
    public async Task The_page_reconnects_by_itself_when_the_server_restarts()
    {
        var first = await SocketIONewsServer.StartAsync(intervalMs: 60_000);
        var address = first.BaseAddress;
        await using var person = await browser.NewPersonAsync("reader");
        await person.Page.GotoAsync(address + "/");
        await Expect(person.Page.Locator("#state")).ToHaveTextAsync("connected");
        var firstId = await person.Page.Locator("#socket-id").TextContentAsync();

        // Ctrl+C on the server: the page shows that it is trying again.
        await first.DisposeAsync();
        await Expect(person.Page.Locator("#state")).ToHaveAttributeAsync("data-state", "reconnecting");
        await Expect(person.Page.Locator("#attempts")).Not.ToHaveTextAsync("0");

        // The server is back on the same port: the page reconnects as a new socket.
        await using var second = await SocketIONewsServer.StartAsync(intervalMs: 60_000, urls: address.ToString().TrimEnd('/'));
        await Expect(person.Page.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = 20_000 });
        var secondId = await person.Page.Locator("#socket-id").TextContentAsync();
        Assert.NotEqual(firstId, secondId);
        await second.Steps.WaitForText($"새로운 클라이언트가 접속했습니다. (127.0.0.1, {secondId}, 127.0.0.1)");
        await person.Console.WaitForText("다시 연결되었습니다.");
    }

    private static async Task<int> Count(Person person) => int.Parse((await person.Page.Locator("#count").TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture);

    private static Task WaitForCount(Person person, int count) =>
        person.Page.WaitForFunctionAsync($"Number(document.getElementById('count').textContent) >= {count}");

    private static void AssertNoErrors(Person person) =>
        Assert.DoesNotContain(person.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
}
