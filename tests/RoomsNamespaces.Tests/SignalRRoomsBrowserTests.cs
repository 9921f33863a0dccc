extern alias signalr;

using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoomsNamespaces.Tests;

/// <summary>Step 04's SignalR pages in Chromium, used the way people would: the chat (/room) and the channels demo.</summary>
public sealed class SignalRRoomsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task People_in_the_chat_see_each_others_joins_and_messages_as_text_and_the_exit_line()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var alice = await browser.NewPersonAsync("alice");
        await using var bob = await browser.NewPersonAsync("bob");

        // "/" links to the room ("방으로 이동"), as in post 003.
        await alice.Page.GotoAsync(app.BaseAddress + "/");
        await alice.Page.GetByText("방으로 이동").ClickAsync();
        await bob.Page.GotoAsync(app.BaseAddress + "/room");
        foreach (var person in new[] { alice, bob })
        {
            await Expect(person.Page.Locator("#state")).ToHaveTextAsync("Connected");
        }
        await app.Log.WaitForText("Socket Connected", count: 2);

        await Enter(alice, "alice");
        await Enter(bob, "bob");
        foreach (var person in new[] { alice, bob })
        {
            await Expect(Line(person, "alice 님이 입장하셨습니다.")).ToBeVisibleAsync();
            await Expect(Line(person, "bob 님이 입장하셨습니다.")).ToBeVisibleAsync();
        }

        // A message that looks like HTML is shown as its characters.
        await alice.Page.Locator("#input").FillAsync("<b>hi</b>");
        await alice.Page.Locator("#input").PressAsync("Enter");
        foreach (var person in new[] { alice, bob })
        {
            await Expect(Line(person, "alice : <b>hi</b>")).ToBeVisibleAsync();
            Assert.Equal(0, await person.Page.Locator("#messages b").CountAsync());
        }

        // Out: everyone sees the exit line, then the server ends bob's connection.
        await bob.Page.Locator("#out").ClickAsync();
        await Expect(Line(alice, "bob 님이 퇴장하셨습니다.")).ToBeVisibleAsync();
        await Expect(Line(bob, "bob 님이 퇴장하셨습니다.")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#state")).ToHaveTextAsync("Disconnected");
        await app.Log.WaitForText("Socket Disconnected");

        Assert.Equal(
            ["alice 님이 입장하셨습니다.", "bob 님이 입장하셨습니다.", "alice : <b>hi</b>", "bob 님이 퇴장하셨습니다."],
            await alice.Page.Locator("#messages p").AllTextContentsAsync());
        Assert.DoesNotContain(alice.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_channels_page_sends_private_public_and_group_messages_and_calls_both_hubs()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var alice = await browser.NewPersonAsync("alice");
        await using var bob = await browser.NewPersonAsync("bob");
        var alicesSockets = new Transcript();   // every WebSocket alice's page opens, by path
        alice.Page.WebSocket += (_, socket) => alicesSockets.Add(new Uri(socket.Url).AbsolutePath);
        foreach (var person in new[] { alice, bob })
        {
            await person.Page.GotoAsync(app.BaseAddress + "/channels.html");
            await person.Page.Locator("#name").FillAsync(person.Name);
            await person.Page.Locator("#connect").ClickAsync();
            await Expect(person.Page.Locator("#state")).ToHaveTextAsync("Connected");
        }
        // alice's list of people includes bob once he is connected.
        await Expect(alice.Page.Locator("#to option", new() { HasText = "bob" })).ToHaveCountAsync(1);

        // private to bob, then a public message: alice's list proves she got the public one but not the private one.
        await alice.Page.Locator("#to").SelectOptionAsync(new SelectOptionValue { Label = await alice.Page.Locator("#to option", new() { HasText = "bob" }).TextContentAsync() });
        await alice.Page.Locator("#text").FillAsync("psst");
        await alice.Page.Locator("#private").ClickAsync();
        await alice.Page.Locator("#text").FillAsync("hello all");
        await alice.Page.Locator("#public").ClickAsync();
        await Expect(bob.Page.Locator("#received li")).ToHaveTextAsync(["[private] alice: psst", "[public] alice: hello all"]);
        await Expect(alice.Page.Locator("#received li")).ToHaveTextAsync(["[public] alice: hello all"]);

        // groups: bob joins 1, alice (outside) sends to it.
        await bob.Page.Locator("#join").ClickAsync();
        await Expect(bob.Page.Locator("#rooms")).ToContainTextAsync("\"1\"]");
        await alice.Page.Locator("#text").FillAsync("to group 1");
        await alice.Page.Locator("#toGroup").ClickAsync();
        await Expect(bob.Page.Locator("#received li").Last).ToHaveTextAsync("[group 1] alice: to group 1");

        // The two hubs: two more connections (Socket.IO would multiplex its namespaces over one), each with its own methods.
        await alice.Page.Locator("#hubs").ClickAsync();
        await app.Log.WaitForText("goods connected");
        await app.Log.WaitForText("user connected");
        await alicesSockets.WaitFor(_ => true, count: 3);
        Assert.Equal(["/channels", "/goods", "/user"], alicesSockets.Lines.Order(StringComparer.Ordinal));   // order of opening varies
        await alice.Page.Locator("#text").FillAsync("270mm");
        await alice.Page.Locator("#shoes").ClickAsync();
        await Expect(alice.Page.Locator("#hubLog li").Last).ToHaveTextAsync("shoes 받음: 270mm");
        await alice.Page.Locator("#admin").ClickAsync();
        await Expect(alice.Page.Locator("#hubLog li").Last).ToHaveTextAsync("admin 받음: 270mm");
    }

    private static async Task Enter(Person person, string name)
    {
        await person.Page.Locator("#name").FillAsync(name);
        await person.Page.Locator("#join").ClickAsync();
        await Expect(person.Page.Locator("#input")).ToBeEnabledAsync();
    }

    private static ILocator Line(Person person, string text) =>
        person.Page.Locator("#messages p").GetByText(text, new() { Exact = true });
}
