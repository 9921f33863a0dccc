extern alias sio;

using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04 with the official Socket.IO Admin UI: the dashboard the server serves at /admin/ connects to it by itself
/// (Development: no password) and shows the pages' sockets and the room they joined.
/// </summary>
public sealed class AdminDashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_dashboard_at_admin_shows_the_pages_sockets_and_their_room()
    {
        await using var app = await SocketIOWireTests.StartAsync();
        await using var a = await browser.NewPersonAsync("A");
        await using var b = await browser.NewPersonAsync("B");
        var ids = new List<string>();
        foreach (var person in new[] { a, b })
        {
            await person.Page.GotoAsync(app.BaseAddress.ToString());
            await Expect(person.Page.Locator("#rooms")).Not.ToHaveTextAsync("-");
            ids.Add((await person.Page.Locator("#my-id").TextContentAsync())!);
            await person.Page.Locator("#room").FillAsync("고양이방");
            await person.Page.Locator("#join").ClickAsync();
            await Expect(person.Page.Locator("#rooms")).ToHaveTextAsync($"[\"{ids[^1]}\",\"고양이방\"]");
        }
        await Expect(a.Page.Locator("a[href='/admin/']")).ToBeVisibleAsync(); // the page points to the dashboard

        await using var admin = await browser.NewPersonAsync("admin");
        // The dashboard's page links fonts and icons on public CDNs: the test machine has no internet, so they are
        // refused at once instead of timing out.
        await admin.Page.RouteAsync(url => !url.StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal), route => route.AbortAsync());
        await admin.Page.GotoAsync(app.BaseAddress + "admin");           // redirected to /admin/
        await Expect(admin.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/#/$"));

        await admin.Page.GotoAsync(app.BaseAddress + "admin/#/sockets/");
        foreach (var id in ids) await Expect(admin.Page.GetByText(id).First).ToBeVisibleAsync();
        await admin.Page.GotoAsync(app.BaseAddress + "admin/#/rooms/");
        await Expect(admin.Page.GetByText("고양이방").First).ToBeVisibleAsync();
        await admin.Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "step04-admin-rooms.png"), FullPage = true });
        Assert.DoesNotContain(admin.Console.Lines, l => l.StartsWith("[pageerror]", StringComparison.Ordinal));
    }
}
