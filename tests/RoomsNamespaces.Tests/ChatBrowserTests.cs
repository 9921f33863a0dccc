extern alias chat;

using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoomsNamespaces.Tests;

/// <summary>Post 003's chat pages in Chromium: three people type their names, join, chat and leave.</summary>
public sealed class ChatBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task People_type_names_chat_as_text_and_see_who_leaves()
    {
        await using var app = await ChatTests.StartAsync();
        await using var sangmin = await browser.NewPersonAsync("상민");
        await using var jimin = await browser.NewPersonAsync("지민");
        await using var sua = await browser.NewPersonAsync("수아");
        Person[] everyone = [sangmin, jimin, sua];

        // "/" opens no socket and links to the room ("방으로 이동"); the room page connects at once.
        await sangmin.Page.GotoAsync(app.BaseAddress.ToString());
        await sangmin.Page.GetByText("방으로 이동").ClickAsync();
        await Expect(sangmin.Page).ToHaveURLAsync(new Uri(app.BaseAddress, "/room").ToString());
        await jimin.Page.GotoAsync(new Uri(app.BaseAddress, "/room").ToString());
        await sua.Page.GotoAsync(new Uri(app.BaseAddress, "/room").ToString());
        foreach (var person in everyone) await Expect(person.Page.Locator("#state")).ToHaveTextAsync("연결됨");
        await app.Log.WaitForText("Socket Connected", count: 3);

        // Before joining, there is nothing to send; a name of spaces is not sent at all.
        await Expect(sua.Page.Locator("#send")).ToBeDisabledAsync();
        await sua.Page.Locator("#name").FillAsync("   ");
        await sua.Page.Locator("#enter").ClickAsync();
        await Expect(sua.Page.Locator("#name-form")).ToBeVisibleAsync();

        // Each types a name and joins: everyone, the joiner included, sees the entrance.
        foreach (var person in everyone)
        {
            await person.Page.Locator("#name").FillAsync(person.Name);
            await person.Page.Locator("#enter").ClickAsync();
            await Expect(person.Page.Locator("#me")).ToHaveTextAsync(person.Name);
            foreach (var other in everyone) await Expect(Line(other, $"{person.Name} 님이 입장하셨습니다.")).ToBeVisibleAsync();
        }

        // A message that looks like HTML is shown as its characters, for everyone.
        await Say(sangmin, "<b>hi</b>");
        foreach (var person in everyone)
        {
            await Expect(Line(person, "상민 : <b>hi</b>")).ToBeVisibleAsync();
            Assert.Contains("<b>hi</b>", await person.Page.Locator("#messages").TextContentAsync());
            Assert.Equal(0, await person.Page.Locator("#messages b").CountAsync());
        }

        // Enough lines to overflow the window: the page keeps the newest line in view (window.scrollTo).
        for (var i = 1; i <= 25; i++) await Say(jimin, $"줄 {i}");
        foreach (var person in everyone)
        {
            await Expect(Line(person, "지민 : 줄 25")).ToBeInViewportAsync();
            Assert.True(await person.Page.EvaluateAsync<bool>("window.scrollY > 0"), $"{person.Name}'s page did not scroll");
        }

        // Out: everyone sees the exit line, then the server ends 지민's connection.
        await jimin.Page.Locator("#out").ClickAsync();
        foreach (var person in everyone) await Expect(Line(person, "지민 님이 퇴장하셨습니다.")).ToBeVisibleAsync();
        await Expect(jimin.Page.Locator("#state")).ToHaveTextAsync("퇴장함 (연결 종료)");
        await Expect(jimin.Page.Locator("#input")).ToBeDisabledAsync();
        await app.Log.WaitForText("Socket Disconnected");

        // The others carry on; 지민's page, disconnected, gets nothing more.
        await Say(sua, "잘 가요");
        await Expect(Line(sangmin, "수아 : 잘 가요")).ToBeVisibleAsync();
        await Expect(Line(sua, "수아 : 잘 가요")).ToBeVisibleAsync();
        var jiminsLines = await jimin.Page.Locator("#messages p").AllTextContentsAsync();
        Assert.Equal("지민 님이 퇴장하셨습니다.", jiminsLines[^1]);
        Assert.Equal(["상민 님이 입장하셨습니다.", "지민 님이 입장하셨습니다.", "수아 님이 입장하셨습니다.", "상민 : <b>hi</b>"],
            (await sangmin.Page.Locator("#messages p").AllTextContentsAsync()).Take(4));

        foreach (var person in everyone)
        {
            Assert.DoesNotContain(person.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
        }
    }

    private static async Task Say(Person person, string text)
    {
        await person.Page.Locator("#input").FillAsync(text);
        await person.Page.Locator("#input").PressAsync("Enter");
        await Expect(Line(person, $"{person.Name} : {text}")).ToBeVisibleAsync();
    }

    private static ILocator Line(Person person, string text) =>
        person.Page.Locator("#messages p").GetByText(text, new() { Exact = true });
}
