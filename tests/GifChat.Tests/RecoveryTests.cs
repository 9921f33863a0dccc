using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// Connection state recovery in the chat (a phone that goes through a tunnel): B's browser goes offline while A
/// writes; when B is back online, B's page has A's chat, says the connection was recovered, and B is a member again.
/// </summary>
public sealed class RecoveryTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly Regex RoomOne = new("/room/1$");
    private GifChatServer _server = null!;

    public async Task InitializeAsync() => _server = await GifChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_member_whose_network_drops_gets_the_chats_it_missed_and_a_recovered_line()
    {
        await using var a = await browser.NewPersonAsync("A");
        await using var b = await browser.NewPersonAsync("B");
        await a.Page.GotoAsync(_server.Url("/room"));
        await a.Page.FillAsync("input[name=title]", "터널 테스트방");
        await a.Page.ClickAsync("button[type=submit]");
        await Assertions.Expect(a.Page).ToHaveURLAsync(RoomOne);
        await b.Page.GotoAsync(_server.Url("/room/1"));
        await Assertions.Expect(a.Page.Locator("#member-count")).ToHaveTextAsync("2");
        var colourB = await b.Page.Locator(".me b").InnerTextAsync();
        // B needs one event with an offset to resume from: the member list sent when B joined is one.
        await Assertions.Expect(b.Page.Locator("#member-count")).ToHaveTextAsync("2");

        // B enters the tunnel: Chromium offline closes B's WebSocket at once (a long-poll in flight may linger until the
        // heartbeat gives up, so wait for the upgrade first); the server sees B leave, and so does A.
        await b.Page.WaitForFunctionAsync("() => socket.io.engine.transport.name === 'websocket'");
        await b.Context.SetOfflineAsync(true);
        await Assertions.Expect(a.Page.Locator("#chat-list .system").Last).ToHaveTextAsync($"{colourB}님이 퇴장하셨습니다.");
        await a.Page.FillAsync("#chat", "터널 지나는 중이야?");
        await a.Page.PressAsync("#chat", "Enter");
        await Assertions.Expect(a.Page.Locator("#chat-list .mine .text")).ToHaveTextAsync("터널 지나는 중이야?");

        // Out of the tunnel: B's page gets the chat it missed, then the recovered line, and B joins again.
        await b.Context.SetOfflineAsync(false);
        await Assertions.Expect(b.Page.Locator("#chat-list .system").Last).ToHaveTextAsync("연결이 복구되었습니다. 끊긴 동안 온 메시지는 위에 있습니다.");
        await Assertions.Expect(b.Page.Locator("#chat-list .other .text")).ToHaveTextAsync("터널 지나는 중이야?");
        await Assertions.Expect(a.Page.Locator("#chat-list .system").Last).ToHaveTextAsync($"{colourB}님이 입장하셨습니다.");
        await Assertions.Expect(b.Page.Locator("#member-count")).ToHaveTextAsync("2");
        var lines = await b.Page.Locator("#chat-list > div").AllTextContentsAsync();
        var missed = lines.ToList().FindIndex(l => l.Contains("터널 지나는 중이야?", StringComparison.Ordinal));
        Assert.True(missed >= 0 && missed < lines.ToList().IndexOf("연결이 복구되었습니다. 끊긴 동안 온 메시지는 위에 있습니다."), string.Join("\n", lines));

        _server.AssertNoErrorsLogged();
    }
}
