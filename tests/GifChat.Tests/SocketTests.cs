using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// Namespaces /room and /chat as the official Node client sees them, each person carrying their session cookie.
/// The snapshots list, section by section, what each client received (grouped by receiver; see SocketPuppet).
/// </summary>
public sealed class SocketTests : IAsyncLifetime
{
    private GifChatServer _server = null!;
    private SocketPuppet _clients = null!;
    private readonly Transcript _transcript = new();
    // Connection state recovery is on in step 07: each CONNECT answer carries a random private session id ("pid").
    private readonly Scrubber _scrubber = Scrubber.Default().AddPattern(new Regex("\"pid\":\"(?<value>[\\w-]{20})\""), "pid");
    private readonly HashSet<string> _colours = [];

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
    public async Task Join_chat_gif_and_leave_as_the_other_member_and_the_lobby_see_it()
    {
        using var a = await NewVisitorAsync();
        using var b = await NewVisitorAsync();

        _transcript.Section("the lobby (GET /) connects to namespace /room");
        await _clients.ConnectAsync("lobby", "/room");
        await Record(1, "lobby");

        _transcript.Section("A creates a private room: POST /room title=비밀 수다방 max=5 password=…");
        var room = await a.CreateRoomAsync("비밀 수다방", max: 5, password: "open-sesame");
        _transcript.Add($"A: 302 → /room/{room}");
        await Record(1, "lobby");                                   // newRoom: no password, only hasPassword

        _transcript.Section("A opens the room page, connects to /chat with its session cookie, and joins");
        await a.GetAsync($"/room/{room}");
        await _clients.ConnectAsync("A", "/chat", a.CookieHeader);
        var socketA = (await Record(1, "A"))[0].Id!;
        await _clients.EmitAsync("A", "join", [room.ToString()], ack: true);
        await Record(2, "A");

        _transcript.Section("B enters with the password (POST /room/{id}), opens the page and joins");
        var (_, _, location) = await b.EnterWithPasswordAsync(room, "open-sesame");
        _transcript.Add($"B: 302 → {location}");
        await b.GetAsync(location!);
        await _clients.ConnectAsync("B", "/chat", b.CookieHeader);
        await Record(1, "B");
        await _clients.EmitAsync("B", "join", [room.ToString()], ack: true);
        await Record(4, "A", "B");

        _transcript.Section("A sends a chat: POST /room/{id}/chat {chat}");
        var (status, _) = await a.SayAsync(room, "안녕하세요! <b>굵게</b>?");
        _transcript.Add($"A: {(int)status}");
        await Record(2, "A", "B");

        _transcript.Section("B sends a GIF: POST /room/{id}/gif (multipart, field gif)");
        var (gifStatus, gif) = await b.SendGifAsync(room, TestImages.TinyGif, "cat.gif");
        _scrubber.Id(gif.GetProperty("gif").GetString()!, "gif");
        _transcript.Add($"B: {(int)gifStatus}");
        await Record(2, "A", "B");

        _transcript.Section("B whispers to A over the socket: whisper {to: A's socket id, chat}; then to someone not in the room");
        await _clients.EmitAsync("B", "whisper", [new { to = socketA, chat = "방장님, 비밀 얘기예요" }], ack: true);
        await Record(2, "A", "B");
        await _clients.EmitAsync("B", "whisper", [new { to = "no-such-socket", chat = "누구세요?" }], ack: true);
        await Record(1, "B");

        _transcript.Section("A (the owner) leaves: B hears it, becomes the owner; the lobby updates the owner");
        await _clients.CloseAsync("A");
        await Record(5, "A", "B", "lobby");

        _transcript.Section("B, the last one, leaves: the room, its chats and its GIF are removed; the lobby drops the row");
        await _clients.CloseAsync("B");
        await Record(2, "B", "lobby");

        _transcript.Section("afterwards");
        _transcript.Add($"rooms: {await _server.QueryAsync(db => db.Rooms.CountAsync())}, " +
                        $"chats: {await _server.QueryAsync(db => db.Chats.CountAsync())}, " +
                        $"files in uploads: {Directory.GetFiles(_server.UploadsFolder).Length}");
        var (_, _, gone) = await b.GetAsync($"/room/{room}");
        _transcript.Add($"GET /room/{room}: → {gone}");

        Snapshot.Match(_transcript.ToString(), _scrubber);
        _server.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Join_is_refused_without_a_session_a_password_a_room_or_a_seat()
    {
        using var owner = await NewVisitorAsync();
        using var first = await NewVisitorAsync();
        using var late = await NewVisitorAsync();
        using var stranger = await NewVisitorAsync();

        _transcript.Section("no session cookie: /chat refuses the connection");
        await _clients.ConnectAsync("nobody", "/chat");
        await Record(1, "nobody");

        _transcript.Section("a private room, a visitor who never gave its password: join refused");
        var secret = await owner.CreateRoomAsync("비밀방", password: "pw");
        await _clients.ConnectAsync("stranger", "/chat", stranger.CookieHeader);
        await Record(1, "stranger");
        await _clients.EmitAsync("stranger", "join", [secret.ToString()], ack: true);
        await Record(1, "stranger");

        _transcript.Section("a room that does not exist, and an id that is not one");
        await _clients.EmitAsync("stranger", "join", ["999"], ack: true);
        await _clients.EmitAsync("stranger", "join", [new { id = 1 }], ack: true);
        await Record(2, "stranger");

        _transcript.Section("a room for two: the owner and one more join; a third is refused, at the socket and at the page");
        var pair = await owner.CreateRoomAsync("둘만의 방", max: 2);
        await owner.GetAsync($"/room/{pair}");
        await _clients.ConnectAsync("owner", "/chat", owner.CookieHeader);
        await Record(1, "owner");
        await _clients.EmitAsync("owner", "join", [pair.ToString()], ack: true);
        await Record(2, "owner");
        var (lateStatus, _, _) = await late.GetAsync($"/room/{pair}");     // one seat left: the page opens
        _transcript.Add($"late: GET /room/{pair} → {(int)lateStatus}");
        await first.GetAsync($"/room/{pair}");
        await _clients.ConnectAsync("first", "/chat", first.CookieHeader);
        await Record(1, "first");
        await _clients.EmitAsync("first", "join", [pair.ToString()], ack: true);
        await Record(4, "owner", "first");
        await _clients.ConnectAsync("late", "/chat", late.CookieHeader);   // the page was open, but the room filled up
        await Record(1, "late");
        await _clients.EmitAsync("late", "join", [pair.ToString()], ack: true);
        await Record(1, "late");
        var (status, _, location) = await stranger.GetAsync($"/room/{pair}");
        _transcript.Add($"stranger: GET /room/{pair} → {(int)status} {location}");
        var (_, lobby, _) = await stranger.GetAsync(location!);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Contains("허용 인원이 초과하였습니다.", lobby);
        _transcript.Add("stranger: the lobby shows 허용 인원이 초과하였습니다.");

        Snapshot.Match(_transcript.ToString(), _scrubber);
        _server.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task What_travels_on_the_wire_for_the_lobby_and_a_member()
    {
        using var a = await NewVisitorAsync();

        _transcript.Section("the lobby connects to /room (↑ sent, ↓ received: 4 = an Engine.IO message, then the Socket.IO packet)");
        await _clients.ConnectAsync("lobby", "/room", wire: true);
        await Record(3, "lobby");

        _transcript.Section("A creates a private room: POST /room");
        var room = await a.CreateRoomAsync("비밀 수다방", max: 5, password: "open-sesame");
        await Record(2, "lobby");

        _transcript.Section("A connects to /chat (its session cookie rides along with the handshake) and joins with an ack");
        await a.GetAsync($"/room/{room}");
        await _clients.ConnectAsync("A", "/chat", a.CookieHeader, wire: true);
        await Record(3, "A");
        await _clients.EmitAsync("A", "join", [room.ToString()], ack: true);
        await Record(5, "A");

        _transcript.Section("A sends a chat over HTTP (POST /room/{id}/chat); it comes back as an event");
        await a.SayAsync(room, "안녕하세요");
        await Record(2, "A");

        _transcript.Section("A leaves; the room is removed");
        await _clients.CloseAsync("A");
        await Record(4, "A", "lobby");

        Snapshot.Match(_transcript.ToString(), _scrubber);
        _server.AssertNoErrorsLogged();
    }

    /// <summary>A visitor with a session (they loaded the lobby), whose colour the snapshot calls {colourN}.</summary>
    private async Task<TestVisitor> NewVisitorAsync()
    {
        while (true)
        {
            var visitor = _server.NewVisitor();
            await visitor.GetAsync("/");
            if (_colours.Add(visitor.Color!))   // two sessions may hash to one colour (rarely): each person needs their own
            {
                _scrubber.Id(visitor.Color!, "colour");
                return visitor;
            }
            visitor.Dispose();
        }
    }

    /// <summary>Waits for <paramref name="count"/> events and writes them down, one per line.</summary>
    private async Task<IReadOnlyList<PuppetEvent>> Record(int count, params string[] receivers)
    {
        var events = await _clients.NextAsync(count, receivers);
        foreach (var e in events)
        {
            if (e.Id is not null)
            {
                _scrubber.Id(e.Id, "socket");
            }
            if (e.Wire?.Split("\"sid\":\"") is [_, var rest])
            {
                _scrubber.Id(rest.Split('"')[0], "socket");   // CONNECT's answer names the socket
            }
            _transcript.Add(e.Event == "connect" ? $"{e.Who} <- connect (socket {e.Id})" : e.ToString());
        }
        return events;
    }
}
