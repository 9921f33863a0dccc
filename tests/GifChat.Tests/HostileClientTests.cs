using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GifChat.Tests;

/// <summary>
/// The chat's trust boundaries against clients that do not play along: a page on another origin carrying the
/// visitor's cookie, one visitor opening many sockets, a stranger's upload, a password guesser. Sockets are the
/// official Node client (<see cref="SocketPuppet"/>), HTTP is real requests to the real port.
/// </summary>
public sealed class HostileClientTests : IAsyncLifetime
{
    private GifChatServer _server = null!;
    private SocketPuppet _clients = null!;

    public async Task InitializeAsync()
    {
        _server = await GifChatServer.StartAsync();
        _clients = await SocketPuppet.StartAsync(_server.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_page_on_another_origin_cannot_open_the_chat_socket_with_the_visitors_cookie()
    {
        using var a = _server.NewVisitor();
        var room = await a.CreateRoomAsync("비밀 수다방", password: "open-sesame");
        await a.GetAsync($"/room/{room}");
        var ownOrigin = _server.BaseAddress.GetLeftPart(UriPartial.Authority);

        // Another site's page: the browser sends its Origin and (same site, or SameSite=None) the visitor's cookie.
        await _clients.ConnectFromAsync("evil", "/chat", "http://evil.example", a.CookieHeader, ["websocket"]);
        var refused = (await _clients.NextAsync(1, "evil"))[0];
        // This site's own page, the same cookie: let in, and it may join.
        await _clients.ConnectFromAsync("page", "/chat", ownOrigin, a.CookieHeader, ["websocket"]);
        var connected = (await _clients.NextAsync(1, "page"))[0];

        Assert.Equal("evil <- connect_error \"websocket error\"", refused.ToString());
        Assert.Equal("connect", connected.Event);
        await _server.Log.WaitForText("WebSocket from http://evil.example refused: that origin is not in the cors origins");
    }

    [Fact]
    public async Task Seats_are_counted_per_visitor_so_one_visitor_cannot_fill_a_room()
    {
        using var owner = _server.NewVisitor();
        using var guest = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("둘만의 방", max: 2);
        await owner.GetAsync($"/room/{room}");
        await guest.GetAsync("/");

        // The owner opens three tabs (three sockets, one cookie) and joins from each.
        foreach (var tab in new[] { "tab1", "tab2", "tab3" })
        {
            await _clients.ConnectAsync(tab, "/chat", owner.CookieHeader);
            await _clients.NextAsync(1, tab);
            await _clients.EmitAsync(tab, "join", [room.ToString()], ack: true);
            await _clients.Received.WaitFor(l => l.Contains($"\"who\":\"{tab}\",\"event\":\"ack join\"", StringComparison.Ordinal));
        }
        Assert.Contains(_clients.Received.Lines, l => l.Contains("\"who\":\"tab3\",\"event\":\"ack join\",\"args\":[{\"ok\":true}]", StringComparison.Ordinal));

        // One seat is still free for someone else: the page opens and the socket joins.
        var (status, _, location) = await guest.GetAsync($"/room/{room}");
        Assert.True(status == HttpStatusCode.OK, $"{status} {location}");
        await _clients.ConnectAsync("guest", "/chat", guest.CookieHeader);
        await _clients.Received.WaitFor(l => l.Contains("\"who\":\"guest\",\"event\":\"connect\"", StringComparison.Ordinal));
        await _clients.EmitAsync("guest", "join", [room.ToString()], ack: true);
        await _clients.Received.WaitFor(l => l.Contains("\"who\":\"guest\",\"event\":\"ack join\"", StringComparison.Ordinal));
        Assert.Contains(_clients.Received.Lines, l => l.Contains("\"who\":\"guest\",\"event\":\"ack join\",\"args\":[{\"ok\":true}]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not admitted")]
    [InlineData("no token header")]
    public async Task A_strangers_upload_is_refused_before_its_body_is_read(string who)
    {
        using var owner = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("짤방", password: "open-sesame");
        await owner.GetAsync($"/room/{room}");
        using var stranger = _server.NewVisitor();
        await stranger.GetAsync("/");                       // a session and a valid antiforgery token, but not admitted
        var visitor = who == "not admitted" ? stranger : owner;

        // A 4 MB upload whose body never comes: only the headers and the first bytes are sent. The answer must come
        // from the headers alone; a server that reads the body first waits until Kestrel gives up on it.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append($"POST /room/{room}/gif HTTP/1.1\r\nHost: {_server.BaseAddress.Authority}\r\n")
            .Append("Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 4000000\r\n")
            .Append($"Cookie: {visitor.CookieHeader}\r\n");
        if (who != "no token header")
        {
            head.Append($"RequestVerificationToken: {visitor.Token}\r\n");
        }
        head.Append("\r\n--xyz\r\nContent-Disposition: form-data; name=\"gif\"; filename=\"a.gif\"\r\n\r\nGIF89a");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var answer = Encoding.UTF8.GetString(buffer, 0, read);

        Assert.StartsWith(who == "not admitted" ? "HTTP/1.1 403" : "HTTP/1.1 400", answer);
        Assert.Empty(Directory.Exists(_server.UploadsFolder) ? Directory.GetFiles(_server.UploadsFolder) : []);
    }

    [Fact]
    public async Task Room_password_guesses_over_the_limit_are_429_even_with_the_right_password()
    {
        using var owner = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("비밀 수다방", password: "open-sesame");
        using var guesser = _server.NewVisitor();
        await guesser.GetAsync("/");

        for (var i = 0; i < 10; i++)                         // GifChat:PasswordAttempts, 10 a minute per address
        {
            var (status, _, location) = await guesser.EnterWithPasswordAsync(room, $"guess-{i}");
            Assert.True(status == HttpStatusCode.Redirect && location!.Contains("error=wrong-password", StringComparison.Ordinal), $"{status} {location}");
        }
        var (limited, text, _) = await guesser.EnterWithPasswordAsync(room, "open-sesame");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal("비밀번호를 너무 많이 시도했습니다. 잠시 후 다시 시도하세요.", text);
        // Opening room pages is not limited.
        var (page, _, _) = await owner.GetAsync($"/room/{room}");
        Assert.Equal(HttpStatusCode.OK, page);
    }
}
