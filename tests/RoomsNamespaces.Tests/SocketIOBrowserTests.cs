extern alias sio;

using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04's channels page (RoomsNamespaces.Server, wwwroot/index.html) in Chromium with three windows: who sees a
/// broadcast, a room message and a private message, and the three namespaces of one page sharing one connection.
/// Non-receipt is proven with a marker: after each send its sender sends a public message; once everyone shows it,
/// whatever the send delivered has arrived too (one connection keeps its order), so the lists can be compared.
/// </summary>
public sealed class SocketIOBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Broadcast_skips_the_sender_and_room_and_private_messages_skip_outsiders()
    {
        await using var app = await SocketIOWireTests.StartAsync();
        await using var a = await browser.NewPersonAsync("A");
        await using var b = await browser.NewPersonAsync("B");
        await using var c = await browser.NewPersonAsync("C");
        Person[] everyone = [a, b, c];
        var ids = new Dictionary<Person, string>();
        foreach (var person in everyone)
        {
            await person.Page.GotoAsync(app.BaseAddress.ToString());
            await Expect(person.Page.Locator("#rooms")).Not.ToHaveTextAsync("-");   // connected, socket.rooms shown
            ids[person] = (await person.Page.Locator("#my-id").TextContentAsync())!;
            await Expect(person.Page.Locator("#rooms")).ToHaveTextAsync($"[\"{ids[person]}\"]");
        }
        var markers = 0;

        async Task Marker(Person sender)
        {
            var marker = $"marker {++markers}";
            await Send(sender, "#send-public", marker);
            foreach (var person in everyone) await Expect(Line(person, $"public from {From(person, sender)}: {marker}")).ToBeVisibleAsync();
        }
        string From(Person receiver, Person sender) => receiver == sender ? "나" : ids[sender];

        // broadcast from A: B and C, not A.
        await Send(a, "#send-broadcast", "hello others");
        await Marker(a);
        Assert.Equal(["public from 나: marker 1"], await Received(a));
        Assert.Equal([$"broadcast from {ids[a]}: hello others", $"public from {ids[a]}: marker 1"], await Received(b));
        Assert.Equal(await Received(b), await Received(c));

        // Rooms: A and B join room 1; socket.rooms shows their own id first.
        foreach (var person in new[] { a, b })
        {
            await person.Page.Locator("#room").FillAsync("1");
            await person.Page.Locator("#join").ClickAsync();
            await Expect(person.Page.Locator("#rooms")).ToHaveTextAsync($"[\"{ids[person]}\",\"1\"]");
        }

        // C, outside room 1, sends to it (io.to("1")): A and B get it, C does not.
        await c.Page.Locator("#to-rooms").FillAsync("1");
        await Send(c, "#send-room", "hi room 1");
        await Marker(c);
        foreach (var person in new[] { a, b })
        {
            Assert.Equal($"room [1] from {ids[c]}: hi room 1", (await Received(person))[^2]);
        }
        Assert.DoesNotContain(await Received(c), line => line.StartsWith("room", StringComparison.Ordinal));

        // A private message from A to C (picked from the "목록" of connected ids): only C.
        await a.Page.Locator("#refresh-who").ClickAsync();
        await Expect(a.Page.Locator($"#who option[value=\"{ids[c]}\"]")).ToHaveCountAsync(1);
        await a.Page.Locator("#to").FillAsync(ids[c]);
        await Send(a, "#send-private", "just for C");
        await Marker(a);
        Assert.Equal($"private from {ids[a]}: just for C", (await Received(c))[^2]);
        foreach (var person in new[] { a, b })
        {
            Assert.DoesNotContain(await Received(person), line => line.StartsWith("private", StringComparison.Ordinal));
        }

        // Bad input: an empty message is refused in the ack, shown on the sender's page.
        await Send(a, "#send-public", "");
        await Expect(a.Page.Locator("#status")).ToHaveTextAsync("public: the message is empty");

        foreach (var person in everyone) AssertNoErrors(person);
    }

    [Fact]
    public async Task The_page_opens_goods_and_user_over_the_same_connection()
    {
        await using var app = await SocketIOWireTests.StartAsync();
        await using var person = await browser.NewPersonAsync("D");
        var page = person.Page;
        var webSockets = new List<string>();
        page.WebSocket += (_, socket) => { lock (webSockets) webSockets.Add(socket.Url); };
        await page.GotoAsync(app.BaseAddress.ToString());

        await Expect(page.Locator("#same-connection")).ToHaveTextAsync("세 네임스페이스, 연결 하나: socket.io.engine.id가 모두 같습니다.");
        var engineIds = new[] { "#engine-main", "#engine-goods", "#engine-user" };
        var socketIds = new[] { "#id-main", "#id-goods", "#id-user" };
        var engines = await Task.WhenAll(engineIds.Select(id => page.Locator(id).TextContentAsync()));
        var sockets = await Task.WhenAll(socketIds.Select(id => page.Locator(id).TextContentAsync()));
        Assert.Single(engines.Distinct());                 // one Engine.IO session...
        Assert.Equal(3, sockets.Distinct().Count());       // ...and a socket per namespace
        await app.Log.WaitForText("goods connected");
        await app.Log.WaitForText("user connected");

        // Once upgraded, the browser has opened exactly one WebSocket for the three namespaces.
        await Expect(page.Locator("#transport")).ToHaveTextAsync("websocket");
        lock (webSockets) Assert.Single(webSockets, url => url.Contains("/socket.io/?EIO=4&transport=websocket", StringComparison.Ordinal));

        await page.Locator("#nsp-res").FillAsync("270mm");
        await page.Locator("#shoes").ClickAsync();
        await Expect(page.Locator("#nsp-answers li").Last).ToHaveTextAsync("/goods shoes: 270mm");
        await page.Locator("#pants").ClickAsync();
        await Expect(page.Locator("#nsp-answers li").Last).ToHaveTextAsync("/goods pants: 270mm");
        await page.Locator("#admin").ClickAsync();
        await Expect(page.Locator("#nsp-answers li").Last).ToHaveTextAsync("/user admin: 270mm");
        await page.Locator("#nsp-res").FillAsync("");
        await page.Locator("#admin").ClickAsync();
        await Expect(page.Locator("#nsp-answers li").Last).ToHaveTextAsync("error: send 1 to 100 characters");
        AssertNoErrors(person);
    }

    private static async Task Send(Person person, string button, string msg)
    {
        await person.Page.Locator("#msg").FillAsync(msg);
        await person.Page.Locator(button).ClickAsync();
    }

    private static ILocator Line(Person person, string text) =>
        person.Page.Locator("#received li").GetByText(text, new() { Exact = true });

    private static async Task<IReadOnlyList<string>> Received(Person person) =>
        await person.Page.Locator("#received li").AllTextContentsAsync();

    private static void AssertNoErrors(Person person) =>
        Assert.DoesNotContain(person.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
}
