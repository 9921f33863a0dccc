using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// Chromium (Playwright) opens pages of the test host that load the client from the Socket.IO server itself
/// (<c>/socket.io/socket.io.js</c>, or the ES module <c>/socket.io/socket.io.esm.min.js</c>) and run the same session as
/// node/sio-session.mjs, printing one console line per observation; a page that only stays connected (<c>/stay</c>)
/// shows what closing the tab and restarting the server do.
/// </summary>
public sealed class BrowserClientTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_served_bundle_starts_with_polling_upgrades_to_websocket_and_runs_the_session()
    {
        var (lines, server) = await RunPageAsync("/");

        Assert.Equal("open polling", lines[0]);              // the page's first transport
        Assert.Contains("upgrade websocket", lines);         // then the real upgrade
        AssertSession(lines, server, connectedOver: "polling", exchangedOver: "websocket");
    }

    [Fact]
    public async Task With_transports_websocket_it_opens_a_websocket_directly()
    {
        var (lines, server) = await RunPageAsync("/?transports=websocket");

        Assert.Equal("open websocket", lines[0]);
        Assert.DoesNotContain(lines, l => l.StartsWith("upgrade", StringComparison.Ordinal));
        AssertSession(lines, server, connectedOver: "websocket", exchangedOver: "websocket");
    }

    [Fact]
    public async Task With_transports_polling_it_stays_on_long_polling()
    {
        var (lines, server) = await RunPageAsync("/?transports=polling");

        Assert.Equal("open polling", lines[0]);
        Assert.DoesNotContain(lines, l => l.StartsWith("upgrade", StringComparison.Ordinal));
        AssertSession(lines, server, connectedOver: "polling", exchangedOver: "polling");
    }

    /// <summary>
    /// As Node's server: a closed WebSocket is a "transport close"; a long-polling GET cut off before its answer is a
    /// "transport error" (engine.io's "poll connection closed prematurely").
    /// </summary>
    [Theory]
    [InlineData("polling", "transport error")]
    [InlineData("websocket", "transport close")]
    public async Task Closing_the_tab_disconnects_the_socket_on_the_server(string transport, string reason)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            server.Add($"connection {socket.Id} over {socket.Conn.Transport}");
            socket.On("disconnect", (string why) => server.Add($"disconnect {why}"));
        }), pipeline: MapPages);
        var person = await browser.NewPersonAsync("tester");
        await using (person)
        {
            await person.Page.GotoAsync(new Uri(host.BaseAddress, $"/stay?transports={transport}").ToString());
            await person.Console.WaitForText("[log] connect ");
            await server.WaitForText("connection ");

            await person.Page.CloseAsync();
        }

        await server.WaitForText("disconnect ");
        var id = person.Console.Lines.Single(l => l.StartsWith("[log] connect ", StringComparison.Ordinal))["[log] connect ".Length..];
        Assert.Equal([$"connection {id} over {transport}", $"disconnect {reason}"], server.Lines);
    }

    /// <summary>The page stays open while the server restarts on the same port: the client retries and comes back as a new socket.</summary>
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task The_page_reconnects_when_the_server_restarts_on_the_same_port(string transport)
    {
        var connections = new Transcript();
        void Configure(SocketIOServer io) => io.On("connection", socket => connections.Add(socket.Id));
        var first = await SocketIOTestHost.StartWithDefaultsAsync(Configure, pipeline: MapPages);
        await using var stopFirst = first;
        await using var person = await browser.NewPersonAsync("tester");
        await person.Page.GotoAsync(new Uri(first.BaseAddress, $"/stay?transports={transport}").ToString());
        await person.Console.WaitForText("[log] connect ");
        // The server sends CONNECT before its connection handler runs (as Node does): wait for the handler, or the
        // server could stop before it ran, or the second server's socket could be listed first.
        await connections.WaitFor(_ => true, what: "the first server's connection handler");

        await first.StopAsync();
        await person.Console.WaitForText("[log] disconnect ");
        await using var second = await SocketIOTestHost.StartWithDefaultsAsync(Configure, port: first.Port, pipeline: MapPages);
        await person.Console.WaitForText("[log] reconnect after ");
        await person.Console.WaitForText("[log] connect ", count: 2);
        await connections.WaitFor(_ => true, count: 2);

        var ids = person.Console.Lines.Where(l => l.StartsWith("[log] connect ", StringComparison.Ordinal)).Select(l => l["[log] connect ".Length..]).ToList();
        Assert.Equal(ids, connections.Lines);                // both connections as the server saw them
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Contains(person.Console.Lines.Single(l => l.StartsWith("[log] disconnect ", StringComparison.Ordinal)),
            new[] { "[log] disconnect transport close", "[log] disconnect transport error" });
    }

    [Fact]
    public async Task The_esm_bundle_imported_as_a_module_connects_too()
    {
        var (lines, server) = await RunPageAsync("/esm");

        Assert.Equal("open polling", lines[0]);
        Assert.Contains("upgrade websocket", lines);
        AssertSession(lines, server, connectedOver: "polling", exchangedOver: "websocket");
    }

    /// <summary>Opens <paramref name="path"/> and waits until the page printed "done" and the server saw it leave.</summary>
    private async Task<(IReadOnlyList<string> Lines, IReadOnlyList<string> Server)> RunPageAsync(string path)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => SessionServer.Configure(io, server), pipeline: MapPages);
        await using var person = await browser.NewPersonAsync("tester");
        // A failed request of the page (a script, a poll) ends the wait with its URL.
        person.Page.Response += (_, response) => { if (response.Status >= 400) person.Console.Add($"[error] HTTP {response.Status} {response.Url}"); };

        await person.Page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
        await person.Console.WaitFor(l => l is "[log] done" || l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal),
            what: "the page to finish its session");
        Assert.True(!person.Console.Lines.Any(l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal)), person.Console.ToString());
        await server.WaitForText("disconnect / client namespace disconnect");
        return ([.. person.Console.Lines.Select(l => l.Replace("[log] ", ""))], server.Lines);
    }

    private static void AssertSession(IReadOnlyList<string> lines, IReadOnlyList<string> server, string connectedOver, string exchangedOver)
    {
        var all = string.Join("\n", lines);
        Assert.Contains($"hello-back {{\"name\":\"브라우저님\",\"count\":2}} over {exchangedOver}", lines);
        Assert.Contains($"question-ack 서버의 답: \"잘 들리나요?\" 잘 받았습니다. over {exchangedOver}", lines);
        Assert.Contains("whoAreYou 누구세요?", lines);
        Assert.Contains("interviewed 브라우저입니다. (누구세요?)", lines);
        Assert.Contains($"download photo.bin 1000 bytes reversed=true over {exchangedOver}", lines);
        Assert.Contains($"checksum-ack 1000 bytes same=true over {exchangedOver}", lines);
        Assert.Contains($"buy-ack 사과 주문 완료 (/goods) over {exchangedOver}", lines);
        Assert.True(lines.ToList().IndexOf("whoAreYou 누구세요?") < lines.ToList().IndexOf("interviewed 브라우저입니다. (누구세요?)"), all);

        Assert.Contains(server, l => l.StartsWith($"connection / over {connectedOver} (id ", StringComparison.Ordinal));
        Assert.Contains($"hello Greeting {{ Name = 브라우저, Count = 1 }} over {exchangedOver}", server);
        Assert.Contains($"upload photo.bin 1000 bytes, same as sent: True, over {exchangedOver}", server);
        Assert.Contains("whoAreYou answered: 브라우저입니다. (누구세요?)", server);
        Assert.Contains("disconnect /goods client namespace disconnect", server);
    }

    private static void MapPages(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Page("""<script src="/socket.io/socket.io.js"></script>""", "<script>", "</script>"), "text/html; charset=utf-8"));
        app.MapGet("/stay", () => Results.Content("""
            <!doctype html>
            <html lang="ko">
            <head><meta charset="utf-8"><title>stay</title><link rel="icon" href="data:,"><script src="/socket.io/socket.io.js"></script></head>
            <body>
            <script>
            const socket = io({ transports: [new URLSearchParams(location.search).get("transports")] });
            socket.on("connect", () => console.log("connect " + socket.id));
            socket.on("disconnect", (reason) => console.log("disconnect " + reason));
            socket.io.on("reconnect", (attempt) => console.log("reconnect after " + attempt + " attempt(s)"));
            </script>
            </body>
            </html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/esm", () => Results.Content(Page("", """<script type="module">import { io } from "/socket.io/socket.io.esm.min.js";""", "</script>"), "text/html; charset=utf-8"));
    }

    /// <summary>
    /// The session, step by step (each awaits its answer): "?transports=websocket" gives the client's
    /// <c>transports</c> option. The transport is recorded when the connection opens and after the upgrade; the
    /// "connect" may come before or after the upgrade, so its transport is not printed.
    /// </summary>
    private static string Page(string head, string scriptOpen, string scriptClose) => $$"""
        <!doctype html>
        <html lang="ko">
        <head><meta charset="utf-8"><title>Socket.IO interop</title><link rel="icon" href="data:,">{{head}}</head>
        <!-- the icon link: no /favicon.ico request, whose 404 would be a console error -->
        <body>
        {{scriptOpen}}
        const transports = new URLSearchParams(location.search).get("transports");
        const socket = io(transports ? { transports: transports.split(",") } : {});
        const now = () => socket.io.engine.transport.name;
        const next = (target, name) => new Promise((resolve) => target.once(name, (...args) => resolve(args)));
        const connected = (target) => new Promise((resolve, reject) => {
          target.once("connect", resolve);
          target.once("connect_error", (err) => reject(new Error("connect_error: " + err.message)));
        });
        socket.io.once("open", () => {
          console.log("open " + now());
          socket.io.engine.once("upgrade", (t) => console.log("upgrade " + t.name));
        });
        const upgraded = new Promise((resolve) => socket.io.once("open", () => socket.io.engine.once("upgrade", resolve)));

        async function session() {
          await connected(socket);
          console.log("connect");
          if (!transports) await upgraded;              // default transports: exchange after the upgrade

          const helloBack = next(socket, "hello-back");
          socket.emit("hello", { name: "브라우저", count: 1 });
          console.log("hello-back " + JSON.stringify((await helloBack)[0]) + " over " + now());

          const answer = await socket.timeout(15000).emitWithAck("question", "잘 들리나요?");
          console.log("question-ack " + answer + " over " + now());

          socket.on("whoAreYou", (question, callback) => {
            console.log("whoAreYou " + question);
            callback("브라우저입니다. (" + question + ")");
          });
          const interviewed = next(socket, "interviewed");
          socket.emit("interview-me");
          console.log("interviewed " + (await interviewed)[0]);

          const photo = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
          const download = next(socket, "download");
          socket.emit("upload", "photo.bin", photo);
          const [name, data] = await download;                 // an ArrayBuffer in the browser
          const bytes = new Uint8Array(data);
          const reversed = bytes.length === photo.length && bytes.every((b, i) => b === photo[photo.length - 1 - i]);
          console.log("download " + name + " " + bytes.length + " bytes reversed=" + reversed + " over " + now());
          const checksum = await socket.timeout(15000).emitWithAck("checksum", photo);
          const echoed = new Uint8Array(checksum.data);
          console.log("checksum-ack " + checksum.length + " bytes same=" + echoed.every((b, i) => b === photo[i]) + " over " + now());

          const goods = io("/goods", transports ? { transports: transports.split(",") } : {});  // same Manager: one connection
          await connected(goods);
          const bought = await goods.timeout(15000).emitWithAck("buy", "사과");
          console.log("buy-ack " + bought + " over " + now());

          goods.disconnect();
          socket.disconnect();
          console.log("done");
        }
        session().catch((err) => console.error(String(err)));
        {{scriptClose}}
        </body>
        </html>
        """;
}
