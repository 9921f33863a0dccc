using Microsoft.EntityFrameworkCore;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// The last one out removes the room, but only after <c>GifChat:EmptyRoomGrace</c> (2 s): a reload (leave, then join
/// again) keeps it. The app's 2 s timers run on an <see cref="EmptyRoomClock"/>, so they end when the test says.
/// </summary>
public sealed class EmptyRoomTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly EmptyRoomClock _clock = new(Grace);
    private GifChatServer _server = null!;
    private SocketPuppet _clients = null!;

    public async Task InitializeAsync()
    {
        _server = await GifChatServer.StartAsync(clock: _clock);
        _clients = await SocketPuppet.StartAsync(_server.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_reload_within_the_grace_keeps_the_room_and_the_last_one_out_removes_it_after_it()
    {
        using var a = _server.NewVisitor();
        await _clients.ConnectAsync("lobby", "/room");
        await _clients.NextAsync(1, "lobby");
        var room = await a.CreateRoomAsync("새로 고침 테스트방");
        await _clients.NextAsync(1, "lobby");                                    // newRoom
        await a.GetAsync($"/room/{room}");
        await _clients.ConnectAsync("A1", "/chat", a.CookieHeader);
        await _clients.NextAsync(1, "A1");
        await _clients.EmitAsync("A1", "join", [room.ToString()], ack: true);
        await _clients.NextAsync(2, "A1");                                       // members, ack

        // The page reloads: the old socket leaves (the room is empty: the 2 s wait starts), a new one joins.
        var waiting = _clock.WaitForTimer();
        await _clients.CloseAsync("A1");
        await _clients.NextAsync(1, "A1");                                       // disconnect
        await Wait.For(waiting, "the empty-room wait to start");
        await _clients.ConnectAsync("A2", "/chat", a.CookieHeader);
        await _clients.NextAsync(1, "A2");
        await _clients.EmitAsync("A2", "join", [room.ToString()], ack: true);
        var rejoined = await _clients.NextAsync(2, "A2");
        Assert.Equal("ack join {\"ok\":true}", $"{rejoined[1].Event} {rejoined[1].Args}");

        _clock.Advance();                                                   // the wait ends: someone is there
        await _server.Log.WaitForText($"방 {room}: 그사이 다시 들어온 사람이 있어 지우지 않습니다.");
        Assert.Equal(1, await _server.QueryAsync(db => db.Rooms.CountAsync()));

        // Now the last one really leaves: nothing happens until the 2 s have passed, then the room goes.
        waiting = _clock.WaitForTimer();
        await _clients.CloseAsync("A2");
        await _clients.NextAsync(1, "A2");
        await Wait.For(waiting, "the empty-room wait to start again");
        Assert.Equal(1, await _server.QueryAsync(db => db.Rooms.CountAsync()));
        _clock.Advance();
        var removed = await _clients.NextAsync(1, "lobby");
        // Connection state recovery is on (Program.cs): a broadcast's last argument is its offset in /room, here the second.
        Assert.Equal($"lobby <- removeRoom {room}, \"2\"", removed[0].ToString());
        Assert.Equal(0, await _server.QueryAsync(db => db.Rooms.CountAsync()));
        Assert.Equal(0, await _server.QueryAsync(db => db.Chats.CountAsync()));
        await _server.Log.WaitForText($"방 제거 성공: {room}");
        Assert.Equal(1, _server.Log.Count(line => line.Contains("방 제거 성공", StringComparison.Ordinal)));
        _server.AssertNoErrorsLogged();
    }
}
