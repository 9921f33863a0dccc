using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// The chat in a real Chromium, as three people use it: one watches the lobby, two chat. Each person is a separate
/// browser context (their own cookies, hence their own session and colour).
/// </summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly Regex RoomOne = new("/room/1$");
    private static readonly Regex WrongPassword = new(@"/\?error=wrong-password$");
    private GifChatServer _server = null!;

    public async Task InitializeAsync() => _server = await GifChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_lobby_sees_a_room_come_and_go_while_two_members_chat_and_send_a_gif()
    {
        await using var watcher = await browser.NewPersonAsync("watcher");
        await using var a = await browser.NewPersonAsync("A");
        await using var b = await browser.NewPersonAsync("B");

        // The watcher sits in the lobby, connected to /room.
        await watcher.Page.GotoAsync(_server.Url("/"));
        await _server.Log.WaitForText("[log] room 네임스페이스에 접속");
        await Assertions.Expect(watcher.Page.Locator(".empty")).ToBeVisibleAsync();

        // A creates a public room and is taken into it.
        await a.Page.GotoAsync(_server.Url("/room"));
        await a.Page.FillAsync("input[name=title]", "고양이 짤 공유방");
        await a.Page.FillAsync("input[name=max]", "4");
        await a.Page.ClickAsync("button[type=submit]");
        await Assertions.Expect(a.Page).ToHaveURLAsync(RoomOne);
        await Assertions.Expect(a.Page.Locator("#member-count")).ToHaveTextAsync("1");
        var colourA = await ColourOf(a.Page);

        // The lobby shows the new room without reloading.
        var row = watcher.Page.Locator("#rooms tbody tr[data-id='1']");
        await Assertions.Expect(row.Locator(".title")).ToHaveTextAsync("고양이 짤 공유방");
        await Assertions.Expect(row).ToContainTextAsync("공개방");
        await Assertions.Expect(row.Locator(".owner")).ToHaveTextAsync(colourA);
        await Assertions.Expect(watcher.Page.Locator(".empty")).ToBeHiddenAsync();

        // B enters from the lobby; A sees B come in.
        await b.Page.GotoAsync(_server.Url("/"));
        await b.Page.ClickAsync("#rooms tbody tr[data-id='1'] .join-btn");
        await Assertions.Expect(b.Page).ToHaveURLAsync(RoomOne);
        var colourB = await ColourOf(b.Page);
        await Assertions.Expect(a.Page.Locator("#chat-list .system").Last).ToHaveTextAsync($"{colourB}님이 입장하셨습니다.");
        await Assertions.Expect(a.Page.Locator("#member-count")).ToHaveTextAsync("2");
        await Assertions.Expect(b.Page.Locator("#member-list li")).ToHaveTextAsync([colourA, colourB + " (나)"]);

        // A writes; both see it, A as "mine", B as "other". HTML in a chat is text.
        await a.Page.FillAsync("#chat", "안녕! <b>반가워</b>");
        await a.Page.PressAsync("#chat", "Enter");
        await Assertions.Expect(a.Page.Locator("#chat-list .mine .text")).ToHaveTextAsync("안녕! <b>반가워</b>");
        await Assertions.Expect(b.Page.Locator("#chat-list .other .text")).ToHaveTextAsync("안녕! <b>반가워</b>");
        await Assertions.Expect(a.Page.Locator("#chat")).ToHaveValueAsync("");

        // B sends a GIF: both see the picture (decoded: 1 × 1), and B's file input is cleared for the next one.
        await b.Page.SetInputFilesAsync("#gif", new FilePayload { Name = "cat.gif", MimeType = "image/gif", Buffer = TestImages.TinyGif });
        var gifAtA = a.Page.Locator("#chat-list .other img");
        await Assertions.Expect(gifAtA).ToHaveCountAsync(1);
        await Assertions.Expect(b.Page.Locator("#chat-list .mine img")).ToHaveCountAsync(1);
        await a.Page.WaitForFunctionAsync("() => document.querySelector('#chat-list .other img').naturalWidth === 1");
        await Assertions.Expect(b.Page.Locator("#gif")).ToHaveValueAsync("");

        // B whispers to A (clicks A in the participant list): only A gets it; the watcher's lobby and the history do not.
        await b.Page.ClickAsync($"#member-list li.whisperable");
        await Assertions.Expect(b.Page.Locator("#whisper-to b")).ToHaveTextAsync(colourA);
        await b.Page.FillAsync("#chat", "비밀 얘기");
        await b.Page.PressAsync("#chat", "Enter");
        await Assertions.Expect(a.Page.Locator("#chat-list .whisper")).ToHaveTextAsync($"(귓속말) {colourB}: 비밀 얘기");
        await Assertions.Expect(b.Page.Locator("#chat-list .whisper")).ToHaveTextAsync($"(귓속말 → {colourA}) 비밀 얘기");
        await b.Page.ClickAsync("#whisper-cancel");
        await Assertions.Expect(b.Page.Locator("#whisper-to")).ToBeHiddenAsync();

        // An .exe renamed .gif is refused with a message, and nothing reaches A.
        await b.Page.SetInputFilesAsync("#gif", new FilePayload { Name = "funny.gif", MimeType = "image/gif", Buffer = TestImages.WindowsExe });
        await Assertions.Expect(b.Page.Locator("#chat-error")).ToHaveTextAsync("GIF 파일만 올릴 수 있습니다. (파일 내용이 GIF가 아닙니다)");
        await Assertions.Expect(b.Page.Locator("#gif")).ToHaveValueAsync("");

        // A leaves: B sees it, and becomes the owner (in the room and in the lobby).
        await a.Page.ClickAsync("#exit-btn");
        await Assertions.Expect(b.Page.Locator("#chat-list .system").Nth(-2)).ToHaveTextAsync($"{colourA}님이 퇴장하셨습니다.");
        await Assertions.Expect(b.Page.Locator("#chat-list .system").Last).ToHaveTextAsync($"{colourB}님이 방장이 되었습니다.");
        await Assertions.Expect(b.Page.Locator("#owner")).ToHaveTextAsync(colourB);
        await Assertions.Expect(row.Locator(".owner")).ToHaveTextAsync(colourB);

        // B, the last one, closes the tab: the room disappears from the lobby.
        await b.Page.CloseAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(watcher.Page.Locator(".empty")).ToBeVisibleAsync();

        _server.AssertNoErrorsLogged();
        foreach (var person in new[] { watcher, a, b })
        {
            // The refused upload is a 415 response, which Chromium reports as a failed resource: the only error allowed.
            Assert.DoesNotContain(person.Console.Lines, line =>
                (line.StartsWith("[error]") && !line.Contains("status of 415")) || line.StartsWith("[pageerror]"));
        }
    }

    [Fact]
    public async Task A_private_room_refuses_a_wrong_password_and_lets_the_right_one_in()
    {
        await using var owner = await browser.NewPersonAsync("owner");
        await using var guest = await browser.NewPersonAsync("guest");

        var password = "wrong";
        var dialogs = new List<string>();                                // an injected alert(1) would show up here
        guest.Page.Dialog += async (_, dialog) =>
        {
            lock (dialogs) { dialogs.Add(dialog.Message); }
            await dialog.AcceptAsync(password);
        };
        await guest.Page.GotoAsync(_server.Url("/"));                   // the guest watches the lobby first
        await _server.Log.WaitForText("[log] room 네임스페이스에 접속");

        await owner.Page.GotoAsync(_server.Url("/room"));
        await owner.Page.FillAsync("input[name=title]", "<img src=x onerror=alert(1)> 비밀 회의");
        await owner.Page.FillAsync("input[name=password]", "open-sesame");
        await owner.Page.ClickAsync("button[type=submit]");
        await Assertions.Expect(owner.Page).ToHaveURLAsync(RoomOne);   // the creator is not asked for the password
        await Assertions.Expect(owner.Page.Locator("h1")).ToHaveTextAsync("<img src=x onerror=alert(1)> 비밀 회의");
        await Assertions.Expect(owner.Page.Locator("#member-count")).ToHaveTextAsync("1");

        var row = guest.Page.Locator("#rooms tbody tr[data-id='1']");   // arrived live (newRoom, put in with textContent)
        await Assertions.Expect(row).ToContainTextAsync("비밀방");
        await Assertions.Expect(row.Locator(".title")).ToHaveTextAsync("<img src=x onerror=alert(1)> 비밀 회의");

        await row.Locator(".join-btn").ClickAsync();
        await Assertions.Expect(guest.Page).ToHaveURLAsync(WrongPassword);
        await Assertions.Expect(guest.Page.Locator(".error-message")).ToHaveTextAsync("비밀번호가 틀렸습니다.");
        await Assertions.Expect(row.Locator(".title"))                  // and now rendered by Razor: still text
            .ToHaveTextAsync("<img src=x onerror=alert(1)> 비밀 회의");
        await guest.Page.GotoAsync(_server.Url("/room/1"));     // typing the address does not get around it
        await Assertions.Expect(guest.Page).ToHaveURLAsync(WrongPassword);

        password = "open-sesame";
        await guest.Page.Locator("#rooms tbody tr[data-id='1'] .join-btn").ClickAsync();
        await Assertions.Expect(guest.Page).ToHaveURLAsync(RoomOne);
        await Assertions.Expect(guest.Page.Locator("#member-count")).ToHaveTextAsync("2");
        await Assertions.Expect(owner.Page.Locator("#member-count")).ToHaveTextAsync("2");
        Assert.Equal(["비밀번호를 입력하세요", "비밀번호를 입력하세요"], dialogs);   // the two prompts, nothing else
        Assert.DoesNotContain(guest.Console.Lines, line => line.StartsWith("[error]") || line.StartsWith("[pageerror]"));
        Assert.DoesNotContain(owner.Console.Lines, line => line.StartsWith("[error]") || line.StartsWith("[pageerror]"));
        _server.AssertNoErrorsLogged();
    }

    private static Task<string> ColourOf(IPage page) => page.Locator(".me b").InnerTextAsync();
}
