extern alias hello;

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// Post 004's "socket.io 맛보기" (SocketIOBasic.Hello): send("Hello!") from the client, customEventName from the
/// server, CORS open to any origin — with the official Node client, raw HTTP, and the page in Chromium.
/// </summary>
public sealed class HelloTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_client_says_Hello_and_gets_the_custom_event()
    {
        var (app, steps) = await StartAsync();
        await using var _ = app;
        await using var node = NodeSocketIOClient.Start("hello-client.mjs", [app.BaseAddress.ToString()]);
        await node.WaitFor("customEventName ");
        await steps.WaitForText("Hello!");

        var transcript = new Transcript();
        transcript.Section("what the Node client printed");
        foreach (var line in node.Output.Lines) transcript.Add(line);
        transcript.Section("server log (Program.cs's lines)");
        foreach (var line in steps.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString());
    }

    [Fact]
    public async Task Cors_lets_a_page_from_any_origin_connect()
    {
        var (app, _) = await StartAsync();
        await using var __ = app;
        using var http = app.CreateClient();

        // A polling handshake from a page served elsewhere (the post opened index.html from disk).
        using var handshake = new HttpRequestMessage(HttpMethod.Get, "/socket.io/?EIO=4&transport=polling");
        handshake.Headers.Add("Origin", "http://example.test");
        using var response = await http.SendAsync(handshake);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.StartsWith("0{\"sid\":", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The browser's preflight before a cross-origin POST: only GET and POST are allowed.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/socket.io/?EIO=4&transport=polling");
        preflight.Headers.Add("Origin", "http://example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await http.SendAsync(preflight);
        Assert.True(answer.IsSuccessStatusCode, $"preflight answered {(int)answer.StatusCode}");
        Assert.Equal("*", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        var methods = string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Methods")).Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(["GET", "POST"], methods);
    }

    [Fact]
    public async Task The_page_says_Hello_and_shows_the_custom_event()
    {
        var (app, steps) = await StartAsync();
        await using var _ = app;
        await using var person = await browser.NewPersonAsync("visitor");
        await person.Page.GotoAsync(app.BaseAddress + "/");

        await Microsoft.Playwright.Assertions.Expect(person.Page.Locator("#events li")).ToHaveTextAsync(["customEventNamethis is custom event data"]);
        await Microsoft.Playwright.Assertions.Expect(person.Page.Locator("#state")).ToHaveTextAsync("connected");
        await steps.WaitForText("Hello!");
        await person.Console.WaitForText("this is custom event data");
        Assert.Equal(["[log] 새로운 소켓이 연결됐어요!", "[log] Hello!"], steps.Lines.Skip(2));
        Assert.DoesNotContain(person.Console.Lines, l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal));
    }

    // The app on a free port, and a transcript of Program.cs's own log lines.
    private static async Task<(RunningApp<hello::Program> App, Transcript Steps)> StartAsync()
    {
        var steps = new Transcript();
        var app = await RunningApp<hello::Program>.StartAsync(configure: web => web.ConfigureLogging(logging =>
            logging.AddProvider(new TranscriptLoggerProvider(steps, category => category == "SocketIOBasic.Hello"))));
        return (app, steps);
    }
}
