using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// Connection state recovery in Chromium with the served browser bundle: a page in "뉴스방" loses the network, the
/// server sends to the room meanwhile, the network comes back and the page shows what it missed.
/// </summary>
public sealed class BrowserRecoveryTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Room = "뉴스방";

    [Fact]
    public async Task A_page_that_loses_the_network_gets_back_its_socket_and_shows_the_messages_it_missed()
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.OnConnection(socket =>
        {
            server.Add($"connection {socket.Id} recovered={socket.Recovered}");
            if (!socket.Recovered)
            {
                socket.Join(Room);
                socket.Emit("news", "어서 오세요");   // through the adapter to the socket's own room: it carries an offset
            }
            socket.On<string>("disconnect", reason => server.Add($"disconnect {reason}"));
        }), o => o.ConnectionStateRecovery = new(),
            pipeline: app => app.MapGet("/recover", () => Results.Content(RecoverPage, "text/html; charset=utf-8")));
        await using var person = await browser.NewPersonAsync("tester");
        await person.Page.GotoAsync(new Uri(host.BaseAddress, "/recover").ToString());
        await person.Console.WaitForText("[log] news 어서 오세요");
        var id = person.Console.Lines.Single(l => l.StartsWith("[log] connect ", StringComparison.Ordinal)).Split(' ')[2];

        // The network goes. Chromium's offline mode closes the open WebSocket (checked: both sides see "transport
        // close") and keeps new connections from opening, so the client's retries fail until it is back online.
        await person.Context.SetOfflineAsync(true);
        await server.WaitForText("disconnect ");
        await person.Console.WaitForText("[log] disconnect ");
        host.IO.To(Room).Emit("news", "터널 안에서 온 소식 1");
        host.IO.To("다른방").Emit("news", "다른 방 소식");
        host.IO.To(Room).Emit("news", "터널 안에서 온 소식 2");

        await person.Context.SetOfflineAsync(false);
        await person.Console.WaitForText($"[log] connect {id} recovered=true");
        await server.WaitForText($"connection {id} recovered=True");

        Assert.Equal(["어서 오세요", "터널 안에서 온 소식 1", "터널 안에서 온 소식 2", "연결이 복구되었습니다 (놓친 소식 2개)"],
            await person.Page.Locator("#news li").AllTextContentsAsync());
        Assert.Contains(server.Lines.Single(l => l.StartsWith("disconnect ", StringComparison.Ordinal)), new[] { "disconnect transport close", "disconnect transport error" });
    }

    /// <summary>Shows every "news" in a list, and a line when the connection came back recovered.</summary>
    private const string RecoverPage = """
        <!doctype html>
        <html lang="ko">
        <head><meta charset="utf-8"><title>recovery</title><link rel="icon" href="data:,"><script src="/socket.io/socket.io.js"></script></head>
        <body>
        <ul id="news"></ul>
        <script>
        const list = document.querySelector("#news");
        const show = (text) => { const li = document.createElement("li"); li.textContent = text; list.appendChild(li); };
        const socket = io({ transports: ["websocket"] });
        let missed = 0;
        socket.on("news", (text) => { show(text); missed++; console.log("news " + text); });
        socket.on("connect", () => {
          console.log("connect " + socket.id + " recovered=" + socket.recovered);
          if (socket.recovered) show("연결이 복구되었습니다 (놓친 소식 " + missed + "개)");
          missed = 0;
        });
        socket.on("disconnect", (reason) => { missed = 0; console.log("disconnect " + reason); });
        </script>
        </body>
        </html>
        """;
}
