using GifChat.Data;
using Realtime.SocketIO;

namespace GifChat;

/// <summary>
/// One socket's place on <c>/chat</c>: who it is, which room it sits in. <see cref="Sit"/> and
/// <see cref="Stand"/> keep <see cref="RoomPresence"/> (the seats counted per visitor) and the Socket.IO room in
/// step; a socket's join and leave take turns (<see cref="TurnAsync"/>), so a leave never overtakes the join before it.
/// </summary>
public sealed class Seat(SocketIOSocket socket, Visitor visitor, RoomPresence presence)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _room;   // 0 = none; read by whisper outside the turn

    public SocketIOSocket Socket { get; } = socket;

    /// <summary>The visitor's colour, the name the room shows.</summary>
    public string User { get; } = visitor.Color!;

    /// <summary>The handshake's cookie, to read the session again (it may have been admitted to a room since).</summary>
    public string Cookie { get; } = socket.Handshake.Headers.Cookie.ToString();

    /// <summary>The room this socket joined, if any.</summary>
    public int? Room => Volatile.Read(ref _room) is var room and > 0 ? room : null;

    /// <summary>Waits for this socket's turn (its earlier join or leave to finish); dispose the result to end it.</summary>
    public async Task<IDisposable> TurnAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    /// <summary>Takes a seat in <paramref name="room"/> and joins its Socket.IO room, unless it is full or being removed.</summary>
    public JoinResult Sit(Room room)
    {
        var result = presence.TryJoin(room.Id, new Member(Socket.Id, User, visitor.SessionId), room.Max);
        if (result == JoinResult.Joined)
        {
            Volatile.Write(ref _room, room.Id);
            Socket.Join(ChatEvents.RoomName(room.Id));   // socket.join(roomId)
        }
        return result;
    }

    /// <summary>Gives the seat back (the socket has already left its Socket.IO rooms); returns who is still seated.</summary>
    public IReadOnlyList<Member> Stand(int roomId) => presence.Leave(roomId, Socket.Id);

    /// <summary>Another member of the same room, by socket id (a whisper's target); never this socket.</summary>
    public Member? Neighbour(string? socketId) => Room is { } roomId
        ? presence.Members(roomId).FirstOrDefault(m => m.SocketId == socketId && m.SocketId != Socket.Id)
        : null;

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) turn.Release();
        }
    }
}
