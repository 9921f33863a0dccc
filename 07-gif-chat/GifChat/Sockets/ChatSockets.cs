using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.SocketIO;

namespace GifChat;

/// <summary>
/// The book's <c>socket.js</c>: namespace <c>/room</c> for the lobby, namespace <c>/chat</c> for the rooms.
/// <list type="bullet">
/// <item><c>/chat</c> only lets in sockets whose handshake carries a session with a colour (the cookie).</item>
/// <item><c>join</c>(roomId) checks the room exists, the session was admitted (password) and there is a seat, then
/// joins the Socket.IO room and tells the others "…님이 입장하셨습니다.". The book joined the room named in the
/// <c>Referer</c> header, unchecked, and crashed when there was none.</item>
/// <item>On disconnect the others hear "…님이 퇴장하셨습니다."; the owner's role passes to the next member; the last one
/// out removes the room, its chats and its GIFs, and the lobby hears <c>removeRoom</c>.</item>
/// <item>Everyone in a room gets <c>members</c> (the participant list) whenever someone comes or goes.</item>
/// <item><c>whisper</c>({ to, chat }) reaches one member only: <c>socket.to(socketId)</c>, since every socket is in a
/// room named by its own id.</item>
/// </list>
/// </summary>
public sealed class ChatSockets(
    SocketIOServer io,
    RoomStore rooms,
    RoomPresence presence,
    GifFiles gifs,
    ChatEvents events,
    IOptions<GifChatOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<ChatSockets> logger)
{
    private const string SystemUser = "system";
    private readonly ConcurrentDictionary<int, long> _pendingRemovals = new();   // room id → the latest "last one out"
    private long _removalTickets;

    /// <summary>Sets up both namespaces (the book's <c>module.exports = (server, app, sessionMiddleware) =&gt; ...</c>).</summary>
    public void Map(SocketSession sessions)
    {
        var room = io.Of(ChatEvents.Lobby);
        var chat = io.Of(ChatEvents.Chat);
        chat.Use(async socket =>   // the book's wrap(sessionMiddleware): the page's session, read from the handshake's cookie
        {
            // Not connected yet, so no ConnectionAborted to pass: only the server's stop cancels this short read.
            var visitor = await sessions.ReadAsync(socket.Handshake.Headers.Cookie, lifetime.ApplicationStopping)
                ?? throw new SocketIOConnectException("세션이 없습니다. 페이지를 새로 고치세요.");
            socket.Data[nameof(Visitor)] = visitor;
        });

        room.OnConnection(socket =>
        {
            logger.LogInformation("room 네임스페이스에 접속");
            socket.On("disconnect", () => logger.LogInformation("room 네임스페이스 접속 해제"));
        });

        chat.OnConnection(socket =>
        {
            logger.LogInformation("chat 네임스페이스에 접속");
            var seat = new Seat(socket, (Visitor)socket.Data[nameof(Visitor)]!, presence);
            socket.On<JsonElement>("join", (roomId, ack) => JoinAsync(seat, roomId, sessions, ack));
            socket.On<Whisper>("whisper", (whisper, ack) => SendWhisper(seat, whisper, ack));
            socket.On("disconnect", (SocketIOArgs _) => LeaveAsync(seat));
        });
    }

    private async Task JoinAsync(Seat seat, JsonElement roomIdArg, SocketSession sessions, SocketIOAck ack)
    {
        var ct = seat.Socket.ConnectionAborted;   // work for this client only: stop when it disconnects
        try
        {
            using var turn = await seat.TurnAsync(ct);
            var roomId = ParseRoomId(roomIdArg);
            var room = roomId is null ? null : await rooms.FindAsync(roomId.Value, ct);
            if (room is null)
            {
                ack(new { error = "not-found" });
                return;
            }
            // Asked again now, not at the handshake: the session may have been admitted since.
            var visitor = await sessions.ReadAsync(seat.Cookie, ct);
            if (visitor is null || !visitor.IsAdmitted(room.Id))
            {
                ack(new { error = "wrong-password" });
                return;
            }
            if (seat.Room is { } joined)
            {
                ack(joined == room.Id ? new { ok = true } : new { error = "one-room-per-connection" });
                return;
            }
            ct.ThrowIfCancellationRequested();                      // it disconnected while this join waited
            switch (seat.Sit(room))                                  // socket.join(data)
            {
                case JoinResult.Full:
                    ack(new { error = "full" });
                    return;
                case JoinResult.Removed:
                    ack(new { error = "not-found" });
                    return;
            }
            _pendingRemovals.TryRemove(room.Id, out _);   // someone came back before the empty room was removed
            var text = $"{seat.User}님이 입장하셨습니다.";
            await rooms.AddChatAsync(room.Id, SystemUser, text, gif: null, ct);   // system lines are kept in the history too
            seat.Socket.To(ChatEvents.RoomName(room.Id)).Emit("join", new { user = SystemUser, chat = text });
            SendMembers(room.Id);
            ack(new { ok = true });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // It disconnected while joining: nobody to answer. Its leave, next in turn, gives back a seat taken.
        }
    }

    private async Task LeaveAsync(Seat seat)
    {
        logger.LogInformation("chat 네임스페이스 접속 해제");
        // The socket is gone, so its ConnectionAborted has fired: the leave is the room's work, and only the server's
        // stop cancels it.
        var ct = lifetime.ApplicationStopping;
        if (ct.IsCancellationRequested)
        {
            return;   // the server is stopping and closes every socket: nobody left, so no 퇴장 lines, and rooms stay
        }
        using (await seat.TurnAsync(ct))
        {
            if (seat.Room is not { } roomId)
            {
                return;   // never joined: nothing to announce (the book read the Referer here and crashed without one)
            }
            var remaining = seat.Stand(roomId);
            if (remaining.Count == 0)
            {
                RemoveWhenStillEmpty(roomId);
                return;
            }
            var name = ChatEvents.RoomName(roomId);
            var text = $"{seat.User}님이 퇴장하셨습니다.";
            await rooms.AddChatAsync(roomId, SystemUser, text, gif: null, ct);
            io.Of(ChatEvents.Chat).To(name).Emit("exit", new { user = SystemUser, chat = text });
            SendMembers(roomId);

            // The owner left (with no other tab of theirs still in the room): the longest-present member takes over.
            var room = await rooms.FindAsync(roomId, ct);
            if (room is not null && room.Owner == seat.User && remaining.All(m => m.User != seat.User))
            {
                var owner = remaining[0].User;
                await rooms.SetOwnerAsync(roomId, owner, ct);
                var handOver = $"{owner}님이 방장이 되었습니다.";
                await rooms.AddChatAsync(roomId, SystemUser, handOver, gif: null, ct);
                io.Of(ChatEvents.Chat).To(name).Emit("owner", new { user = SystemUser, chat = handOver, owner });
                events.RoomOwner(roomId, owner);
            }
        }
    }

    /// <summary>What the page sends to whisper: the other member's socket id (from <c>members</c>) and the text.</summary>
    public sealed record Whisper(string? To, string? Chat);

    /// <summary>
    /// A whisper goes to one socket of the same room and is not stored. The sender's acknowledgement carries it back
    /// (or the reason it was refused), so the sender's page can show it too.
    /// </summary>
    private void SendWhisper(Seat seat, Whisper whisper, SocketIOAck ack)
    {
        var text = whisper?.Chat?.Trim();
        var target = seat.Neighbour(whisper?.To);
        if (target is null)
        {
            ack(new { error = "귓속말을 받을 사람이 이 방에 없습니다." });
            return;
        }
        if (string.IsNullOrEmpty(text) || text.Length > RoomRules.MaxChatLength)
        {
            ack(new { error = $"귓속말은 1자에서 {RoomRules.MaxChatLength}자까지 보낼 수 있습니다." });
            return;
        }
        seat.Socket.To(target.SocketId).Emit("whisper", new { user = seat.User, to = target.User, chat = text });
        ack(new { ok = true, user = seat.User, to = target.User, chat = text });
    }

    /// <summary>Everyone in the room gets the participant list: <c>[{ id, user }]</c> in order of arrival.</summary>
    private void SendMembers(int roomId) =>
        io.Of(ChatEvents.Chat).To(ChatEvents.RoomName(roomId))
            .Emit("members", presence.Members(roomId).Select(m => new { id = m.SocketId, user = m.User }).ToArray());

    /// <summary>
    /// The last member left: after a short wait (a reload is a leave and a join), delete the room, its chats and GIF
    /// files, and tell the lobby, unless someone joined meanwhile. The book did this with an HTTP DELETE to a
    /// hard-coded http://localhost:8005.
    /// </summary>
    private void RemoveWhenStillEmpty(int roomId)
    {
        var ticket = Interlocked.Increment(ref _removalTickets);
        _pendingRemovals[roomId] = ticket;
        _ = RemoveLaterAsync(roomId, ticket);
    }

    private async Task RemoveLaterAsync(int roomId, long ticket)
    {
        var ct = lifetime.ApplicationStopping;
        try
        {
            await Task.Delay(options.Value.EmptyRoomGrace, clock, ct);
            // Still this removal's turn (nobody joined, and no later "last one out" restarted the wait), still empty?
            if (!_pendingRemovals.TryRemove(KeyValuePair.Create(roomId, ticket)) || !presence.TryMarkRemoved(roomId))
            {
                logger.LogInformation("방 {RoomId}: 그사이 다시 들어온 사람이 있어 지우지 않습니다.", roomId);
                return;
            }
            var files = await rooms.DeleteAsync(roomId, ct);
            gifs.Delete(files);
            events.RemoveRoom(roomId);
            logger.LogInformation("방 제거 성공: {RoomId} (GIF {Count}개 삭제)", roomId, files.Count);
        }
        catch (OperationCanceledException)
        {
            // the app is stopping: the room stays in the database
        }
        catch (Exception e)
        {
            logger.LogError(e, "방 {RoomId}을(를) 지우지 못했습니다.", roomId);
        }
    }

    /// <summary>The page sends the id as a string (from a data- attribute); a number is accepted too.</summary>
    private static int? ParseRoomId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var id) => id,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
        _ => null,
    };
}
