namespace GifChat;

/// <summary>
/// Someone in a room: their socket on <c>/chat</c>, their colour, and their visitor (the session id; never sent).
/// One visitor with two tabs is two members but takes one seat.
/// </summary>
public sealed record Member(string SocketId, string User, string VisitorId);

public enum JoinResult
{
    Joined,
    Full,
    /// <summary>The room emptied and is being removed: too late to come in.</summary>
    Removed,
}

/// <summary>
/// Who is in which room right now, in the order they came in. The book counted the adapter's room size; a list of
/// members also gives the participant list and the next owner (the book's 12.7.1 exercises), and it lets the
/// capacity check and the join happen in one step, so two people cannot both take the last seat.
/// </summary>
public sealed class RoomPresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Member>> _rooms = [];
    private readonly HashSet<int> _removed = [];   // ids are never reused (SQLite AUTOINCREMENT)

    /// <summary>Seats taken: visitors in the room, however many sockets (tabs) each has.</summary>
    public int Count(int roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var members) ? Seats(members) : 0;
        }
    }

    /// <summary>Whether this visitor already has a seat in the room (another tab of theirs joined).</summary>
    public bool HasSeat(int roomId, string visitorId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var members) && members.Any(m => m.VisitorId == visitorId);
        }
    }

    private static int Seats(List<Member> members) => members.Select(m => m.VisitorId).Distinct().Count();

    public IReadOnlyList<Member> Members(int roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var members) ? [.. members] : [];
        }
    }

    /// <summary>
    /// Adds the member unless the room already seats <paramref name="max"/> other visitors or is being removed. Seats
    /// are counted per visitor, not per socket: counting sockets let one visitor fill a room by opening tabs (or
    /// one script by opening connections with one cookie).
    /// </summary>
    public JoinResult TryJoin(int roomId, Member member, int max)
    {
        lock (_gate)
        {
            if (_removed.Contains(roomId))
            {
                return JoinResult.Removed;
            }
            if (!_rooms.TryGetValue(roomId, out var members))
            {
                _rooms[roomId] = members = [];
            }
            if (members.Any(m => m.SocketId == member.SocketId))
            {
                return JoinResult.Joined;
            }
            if (members.All(m => m.VisitorId != member.VisitorId) && Seats(members) >= max)
            {
                return JoinResult.Full;
            }
            members.Add(member);
            return JoinResult.Joined;
        }
    }

    /// <summary>
    /// Marks an empty room as removed, in one step with checking that it is empty, so nobody can join it between the
    /// check and the deletion. False if someone is in it (or it was already marked).
    /// </summary>
    public bool TryMarkRemoved(int roomId)
    {
        lock (_gate)
        {
            return !_rooms.ContainsKey(roomId) && _removed.Add(roomId);
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
