namespace GifChat;

/// <summary>Someone in a room: their socket on <c>/chat</c> and their colour.</summary>
public sealed record Member(string SocketId, string User);

/// <summary>
/// Who is in which room right now, in the order they came in. The book counted the adapter's room size; a list of
/// members also gives the participant list and the next owner (the book's 12.7.1 exercises), and it lets the
/// capacity check and the join happen in one step, so two people cannot both take the last seat.
/// </summary>
public sealed class RoomPresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Member>> _rooms = [];

    public int Count(int roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var members) ? members.Count : 0;
        }
    }

    public IReadOnlyList<Member> Members(int roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var members) ? [.. members] : [];
        }
    }

    /// <summary>Adds the member unless the room already holds <paramref name="max"/> people.</summary>
    public bool TryJoin(int roomId, Member member, int max)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var members))
            {
                _rooms[roomId] = members = [];
            }
            if (members.Any(m => m.SocketId == member.SocketId))
            {
                return true;
            }
            if (members.Count >= max)
            {
                return false;
            }
            members.Add(member);
            return true;
        }
    }

    /// <summary>Removes the socket from the room; returns who is left.</summary>
    public IReadOnlyList<Member> Leave(int roomId, string socketId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var members))
            {
                return [];
            }
            members.RemoveAll(m => m.SocketId == socketId);
            if (members.Count == 0)
            {
                _rooms.Remove(roomId);
            }
            return [.. members];
        }
    }
}
