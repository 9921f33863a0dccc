using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace GifChat.Tests;

/// <summary>
/// The GIF chat with the official Socket.IO Admin UI at /admin/ (Development: no password): the dashboard shows the
/// lobby's and the room's sockets, the Socket.IO room the members share, and the chat events as they travel.
/// </summary>
public sealed class AdminDashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_dashboard_shows_the_chat_room_with_its_two_members_and_their_chat()
    {
        await using var server = await GifChatServer.StartAsync();
        await using var a = await browser.NewPersonAsync("A");
        await using var b = await browser.NewPersonAsync("B");
        // In Development the lobby says the dashboard is open, and links it.
        await a.Page.GotoAsync(server.Url("/"));
        await Expect(a.Page.Locator(".admin-hint")).ToContainTextAsync("비밀번호 없이");
        await Expect(a.Page.Locator(".admin-hint a")).ToHaveAttributeAsync("href", "/admin/");
        await a.Page.GotoAsync(server.Url("/room"));
        await a.Page.FillAsync("input[name=title]", "고양이 짤 공유방");
        await a.Page.FillAsync("input[name=max]", "4");
        await a.Page.ClickAsync("button[type=submit]");
        await Expect(a.Page).ToHaveURLAsync(new Regex("/room/1$"));
        await b.Page.GotoAsync(server.Url("/room/1"));
        await Expect(a.Page.Locator("#member-count")).ToHaveTextAsync("2");

        await using var admin = await browser.NewPersonAsync("admin");
        // The dashboard links fonts and icons on public CDNs; the test machine has no internet: refuse them at once.
        await admin.Page.RouteAsync(url => !url.StartsWith(server.Url("/"), StringComparison.Ordinal), route => route.AbortAsync());
        await admin.Page.GotoAsync(server.Url("/admin/#/rooms/"));
        await Expect(admin.Page.GetByRole(AriaRole.Banner)).ToContainTextAsync(new Regex(@"Status:\s*connected"));

        // Namespace /chat: Socket.IO room "1" (the chat room's id) holds the two members.
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Select namespace" }).ClickAsync();
        await admin.Page.GetByRole(AriaRole.Option, new() { Name = "/chat" }).ClickAsync();
        var row = admin.Page.Locator("tbody tr", new() { HasText = "PUBLIC" }).Filter(new() { Has = admin.Page.GetByRole(AriaRole.Cell, new() { Name = "1", Exact = true }) });
        await Expect(row.First).ToContainTextAsync("2");

        // A writes; the dashboard's event list shows the chat going out to the room.
        await a.Page.FillAsync("#chat", "대시보드에서 보이나요?");
        await a.Page.PressAsync("#chat", "Enter");
        await admin.Page.GotoAsync(server.Url("/admin/#/events/"));
        await Expect(admin.Page.GetByText("chat", new() { Exact = true }).First).ToBeVisibleAsync();
        Assert.DoesNotContain(admin.Console.Lines, l => l.StartsWith("[pageerror]", StringComparison.Ordinal));
    }
}
