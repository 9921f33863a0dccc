using System.Net;
using Microsoft.EntityFrameworkCore;

namespace GifChat.Tests;

/// <summary>The pages and routes over plain HTTP: sessions, creating and entering rooms, the lobby's errors, chats.</summary>
public sealed class RouteTests : IAsyncLifetime
{
    private GifChatServer _server = null!;

    public async Task InitializeAsync() => _server = await GifChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_browser_gets_a_session_cookie_and_keeps_its_colour()
    {
        using var visitor = _server.NewVisitor();

        var (status, html, _) = await visitor.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>GIF 채팅방</h1>", html);
        Assert.Contains("gifchat.sid=", visitor.CookieHeader);
        Assert.Matches("^#[0-9a-f]{6}$", visitor.Color);
        var first = visitor.Color;
        await visitor.GetAsync("/room");
        Assert.Equal(first, visitor.Color);                         // same session, same colour

        using var stranger = _server.NewVisitor();                  // no cookie yet: a new session
        await stranger.GetAsync("/");
        Assert.NotEqual(ExtractSession(visitor.CookieHeader), ExtractSession(stranger.CookieHeader));
    }

    [Fact]
    public void The_colour_comes_from_the_session_id_and_is_a_css_colour()
    {
        Assert.Equal(Visitor.ColorOf("a-session-id"), Visitor.ColorOf("a-session-id"));
        Assert.Matches("^#[0-9a-f]{6}$", Visitor.ColorOf("a-session-id"));
        var colours = Enumerable.Range(0, 50).Select(i => Visitor.ColorOf(Guid.NewGuid().ToString())).ToHashSet();
        Assert.True(colours.Count > 40, "fifty sessions should get (almost all) different colours");
    }

    [Fact]
    public async Task Creating_a_room_redirects_into_it_and_the_lobby_lists_it_without_the_password()
    {
        using var owner = _server.NewVisitor();
        await owner.GetAsync("/");

        var publicRoom = await owner.CreateRoomAsync("공개 수다방", max: 5);
        var privateRoom = await owner.CreateRoomAsync("비밀 수다방", max: 3, password: "secret-pass");

        var (status, room, _) = await owner.GetAsync($"/room/{privateRoom}");    // the creator is admitted: no password asked
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>비밀 수다방</h1>", room);
        Assert.Contains($"data-me=\"{owner.Color}\"", room);

        using var other = _server.NewVisitor();
        var (_, lobby, _) = await other.GetAsync("/");
        Assert.Contains($"<tr data-id=\"{publicRoom}\">", lobby);
        Assert.Contains("<td class=\"title\">공개 수다방</td>", lobby);
        Assert.Contains("<td>공개방</td>", lobby);
        Assert.Contains("<td class=\"title\">비밀 수다방</td>", lobby);
        Assert.Contains("<td>비밀방</td>", lobby);
        Assert.Contains($"<td class=\"owner\" style=\"color: {owner.Color}\">{owner.Color}</td>", lobby);
        Assert.DoesNotContain("secret-pass", lobby);

        var stored = await _server.QueryAsync(db => db.Rooms.SingleAsync(r => r.Id == privateRoom));
        Assert.NotNull(stored.PasswordHash);
        Assert.DoesNotContain("secret-pass", stored.PasswordHash);                     // a salted hash, not the password
        Assert.Equal(owner.Color, stored.Owner);
        Assert.Equal(3, stored.Max);
        Assert.Null((await _server.QueryAsync(db => db.Rooms.SingleAsync(r => r.Id == publicRoom))).PasswordHash);
    }

    [Theory]
    [InlineData("", "10", "방 제목을 입력하세요.")]
    [InlineData("   ", "10", "방 제목을 입력하세요.")]
    [InlineData("방", "1", "허용 인원은 2명에서 100명 사이로 정하세요.")]
    [InlineData("방", "101", "허용 인원은 2명에서 100명 사이로 정하세요.")]
    [InlineData("방", "abc", "허용 인원은 2명에서 100명 사이로 정하세요.")]
    [InlineData("방", "", "허용 인원은 2명에서 100명 사이로 정하세요.")]
    [InlineData("이 제목은 오십 자를 넘깁니다. 이 제목은 오십 자를 넘깁니다. 이 제목은 오십 자를 넘깁니다.", "10", "방 제목은 50자까지 쓸 수 있습니다.")]
    public async Task A_bad_form_is_shown_again_with_the_reason_and_creates_nothing(string title, string max, string message)
    {
        using var visitor = _server.NewVisitor();

        var (status, html, _) = await visitor.PostFormAsync("/room", [new("title", title), new("max", max)], "/room");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"<li>{message}</li>", html);
        Assert.Equal(0, await _server.QueryAsync(db => db.Rooms.CountAsync()));
    }

    [Fact]
    public async Task A_form_without_the_antiforgery_token_is_refused()
    {
        using var visitor = _server.NewVisitor();

        var (status, _, _) = await visitor.PostFormAsync("/room", [new("title", "방"), new("max", "10")], "/room", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, await _server.QueryAsync(db => db.Rooms.CountAsync()));
    }

    [Fact]
    public async Task A_room_that_does_not_exist_sends_you_back_to_the_lobby_with_the_message()
    {
        using var visitor = _server.NewVisitor();

        var (status, _, location) = await visitor.GetAsync("/room/999");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/?error=not-found", location);

        var (_, lobby, _) = await visitor.GetAsync(location!);
        Assert.Contains("<div class=\"error-message\" role=\"alert\">존재하지 않는 방입니다.</div>", lobby);

        var (_, plain, _) = await visitor.GetAsync("/?error=<script>alert(1)</script>");   // only known codes become text
        Assert.DoesNotContain("error-message", plain);
    }

    [Fact]
    public async Task A_private_room_needs_its_password()
    {
        using var owner = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("비밀방", password: "open-sesame");
        using var guest = _server.NewVisitor();

        var (status, _, location) = await guest.GetAsync($"/room/{room}");              // straight to the room: refused
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/?error=wrong-password", location);

        (status, _, location) = await guest.EnterWithPasswordAsync(room, "wrong");         // the wrong password
        Assert.Equal("/?error=wrong-password", location);
        var (_, lobby, _) = await guest.GetAsync(location!);
        Assert.Contains("비밀번호가 틀렸습니다.", lobby);
        var (chatStatus, error) = await guest.SayAsync(room, "들어가도 되나요?");          // and cannot chat either
        Assert.Equal(HttpStatusCode.Forbidden, chatStatus);
        Assert.Equal("이 방에 입장하지 않았습니다.", error.GetProperty("error").GetString());

        (status, _, location) = await guest.EnterWithPasswordAsync(room, "open-sesame");    // the right one
        Assert.Equal($"/room/{room}", location);
        var (pageStatus, page, _) = await guest.GetAsync(location!);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("<h1>비밀방</h1>", page);
        await _server.Log.WaitForText($"[log] 비밀번호가 틀렸습니다: 방 {room}");
    }

    [Fact]
    public async Task Chats_are_saved_in_order_and_shown_as_text_mine_and_other()
    {
        using var owner = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("수다방");
        await owner.GetAsync($"/room/{room}");
        using var guest = _server.NewVisitor();
        await guest.GetAsync($"/room/{room}");

        var (status, saved) = await owner.SayAsync(room, "안녕하세요");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("안녕하세요", saved.GetProperty("chat").GetString());
        Assert.Equal(owner.Color, saved.GetProperty("user").GetString());
        Assert.Equal(room, saved.GetProperty("room").GetInt32());
        (status, _) = await guest.SayAsync(room, "<img src=x onerror=alert(1)>");
        Assert.Equal(HttpStatusCode.OK, status);

        var (_, page, _) = await owner.GetAsync($"/room/{room}");
        var mine = page.IndexOf($"<div class=\"mine\" style=\"color: {owner.Color}\">", StringComparison.Ordinal);
        var other = page.IndexOf($"<div class=\"other\" style=\"color: {guest.Color}\">", StringComparison.Ordinal);
        Assert.True(mine > 0 && other > mine, page);
        Assert.Contains("<div class=\"text\">안녕하세요</div>", page);
        Assert.Contains("<div class=\"text\">&lt;img src=x onerror=alert(1)&gt;</div>", page);   // encoded, not markup
        Assert.DoesNotContain("<img src=x", page);
    }

    [Fact]
    public async Task Chat_posts_are_checked()
    {
        using var owner = _server.NewVisitor();
        var room = await owner.CreateRoomAsync("수다방");
        await owner.GetAsync($"/room/{room}");

        var (status, body) = await owner.SayAsync(room, "   ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("채팅 내용을 입력하세요.", body.GetProperty("error").GetString());

        (status, body) = await owner.SayAsync(room, new string('가', 1001));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("채팅은 1000자까지 보낼 수 있습니다.", body.GetProperty("error").GetString());

        (status, body) = await owner.SayAsync(room, "토큰 없이", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("요청이 만료되었습니다. 페이지를 새로 고치세요.", body.GetProperty("error").GetString());

        (status, body) = await owner.SayAsync(999, "없는 방");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("존재하지 않는 방입니다.", body.GetProperty("error").GetString());

        using var stranger = _server.NewVisitor();                  // never entered the room
        await stranger.GetAsync("/");
        (status, body) = await stranger.SayAsync(room, "몰래");
        Assert.Equal(HttpStatusCode.Forbidden, status);

        Assert.Equal(0, await _server.QueryAsync(db => db.Chats.CountAsync()));
    }

    [Fact]
    public async Task An_unknown_address_gets_the_books_404_message()
    {
        using var visitor = _server.NewVisitor();

        using var response = await visitor.Http.GetAsync("/nothing/here?x=1");

        // post 002's app.js (step 02 answers the same): new Error(`${req.method} ${req.url} 라우터가 존재하지 않습니다.`)
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("GET /nothing/here?x=1 라우터가 존재하지 않습니다.", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private static string ExtractSession(string cookieHeader) =>
        cookieHeader.Split("; ").Single(c => c.StartsWith("gifchat.sid=", StringComparison.Ordinal));
}
