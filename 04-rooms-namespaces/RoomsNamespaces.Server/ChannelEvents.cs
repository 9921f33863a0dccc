using Realtime.SocketIO;

namespace RoomsNamespaces.Server;

/// <summary>
/// Post 001's "통신 종류": the main namespace's events. Each send is answered with an acknowledgement,
/// <c>{"ok":true}</c> or <c>{"error":"…"}</c>, so the sender learns when its input was refused.
/// <list type="table">
/// <item><c>private</c>(socketId, msg) → <c>io.To(socketId).Emit</c>: that one socket (its own room is its id)</item>
/// <item><c>public</c>(msg) → <c>io.Emit</c>: everyone, the sender included</item>
/// <item><c>broadcast</c>(msg) → <c>socket.Broadcast.Emit</c>: everyone but the sender</item>
/// <item><c>room</c>([rooms], msg) → <c>io.To("1").To("2").Emit</c>: everyone in any of the rooms, once each</item>
/// <item><c>room-broadcast</c>([rooms], msg) → <c>socket.Broadcast.In("1").In("2").Emit</c>: the same, minus the sender</item>
/// <item><c>join</c>(room), <c>leave</c>(room), <c>rooms</c>() → answered with <c>socket.Rooms</c> (own id first)</item>
/// </list>
/// </summary>
static class ChannelEvents
{
    public const int MaxMessageLength = 200;
    public const int MaxRoomLength = 20;
    public const int MaxRoomsPerSend = 5;

    public static void Attach(SocketIOServer io, SocketIOSocket socket, ILogger log)
    {
        log.LogInformation("connected: {Id}", socket.Id);
        socket.On("disconnect", (string reason) => log.LogInformation("disconnected: {Id} ({Reason})", socket.Id, reason));

        // private: io.sockets.to(사용자 id).emit() — every socket sits in a room named after its own id.
        socket.On("private", (string to, string msg) =>
        {
            if (CheckMessage(msg) is { } bad) return bad;
            if (string.IsNullOrEmpty(to) || !io.Sockets.Sockets.ContainsKey(to)) return Error("no connected socket has that id");
            io.To(to).Emit("private", new { from = socket.Id, msg });
            return Ok;
        });

        // public: io.sockets.emit() — everyone, the sender included.
        socket.On("public", (string msg) =>
        {
            if (CheckMessage(msg) is { } bad) return bad;
            io.Emit("public", new { from = socket.Id, msg });
            return Ok;
        });

        // broadcast: socket.broadcast.emit() — everyone except the sender.
        socket.On("broadcast", (string msg) =>
        {
            if (CheckMessage(msg) is { } bad) return bad;
            socket.Broadcast.Emit("broadcast", new { from = socket.Id, msg });
            return Ok;
        });

        // socket.join(roomNumber) / socket.leave(roomNumber); the answer is socket.rooms: [own id, "1", ...].
        socket.On("join", (string room) =>
        {
            if (CheckRoom(io, room) is { } bad) return bad;
            socket.Join(room);
            return RoomsOf(socket);
        });
        socket.On("leave", (string room) =>
        {
            if (CheckRoom(io, room) is { } bad) return bad;
            socket.Leave(room);
            return RoomsOf(socket);
        });
        socket.On("rooms", () => RoomsOf(socket));

        // io.to("1").to("2").emit(): everyone in room 1 OR room 2 — a socket in both gets it once.
        socket.On("room", (string[] rooms, string msg) =>
        {
            if ((CheckMessage(msg) ?? CheckRooms(io, rooms)) is { } bad) return bad;
            var to = io.To(rooms[0]);
            foreach (var room in rooms.Skip(1)) to = to.To(room);
            to.Emit("room", new { from = socket.Id, rooms, msg });
            return Ok;
        });

        // socket.broadcast.in("1").in("2").emit(): the same rooms, the sender left out (post 001's form).
        socket.On("room-broadcast", (string[] rooms, string msg) =>
        {
            if ((CheckMessage(msg) ?? CheckRooms(io, rooms)) is { } bad) return bad;
            var to = socket.Broadcast;
            foreach (var room in rooms) to = to.In(room);
            to.Emit("room", new { from = socket.Id, rooms, msg });
            return Ok;
        });

        // Not in the post: the ids connected to "/", so the page can offer them as private targets.
        socket.On("who", () => io.Sockets.Sockets.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    private static readonly object Ok = new { ok = true };

    private static object Error(string message) => new { error = message };

    // Array.from(socket.rooms): a Set in Node, an ordered set here; the socket's own id comes first.
    private static string[] RoomsOf(SocketIOSocket socket) => [.. socket.Rooms];

    private static object? CheckMessage(string? msg) =>
        string.IsNullOrWhiteSpace(msg) ? Error("the message is empty")
        : msg.Length > MaxMessageLength ? Error($"the message is longer than {MaxMessageLength} characters")
        : null;

    private static object? CheckRoom(SocketIOServer io, string? room) =>
        string.IsNullOrWhiteSpace(room) ? Error("the room name is empty")
        : room.Length > MaxRoomLength ? Error($"the room name is longer than {MaxRoomLength} characters")
        // Joining someone's id would let a socket read that person's private messages.
        : io.Sockets.Sockets.ContainsKey(room) ? Error("that name is a socket's own room")
        : null;

    private static object? CheckRooms(SocketIOServer io, string[]? rooms) =>
        rooms is null || rooms.Length == 0 ? Error("no room given")
        : rooms.Length > MaxRoomsPerSend ? Error($"more than {MaxRoomsPerSend} rooms")
        : rooms.Select(room => CheckRoom(io, room)).FirstOrDefault(error => error is not null);
}
