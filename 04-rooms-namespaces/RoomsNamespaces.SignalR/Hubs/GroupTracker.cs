using System.Collections.Concurrent;

namespace RoomsNamespaces.SignalR.Hubs;

/// <summary>
/// Who is connected to <see cref="ChannelsHub"/> (connection id → name) and which groups each one joined.
/// SignalR keeps groups write-only: there is no <c>socket.rooms</c> and no "members of a group" query, because groups
/// may live in a backplane (Redis, Azure SignalR) spread over servers. An app that needs the list keeps its own, like this
/// (in memory: fine for one server).
/// </summary>
public sealed class GroupTracker
{
    private readonly ConcurrentDictionary<string, Member> _members = new();

    public void Add(string connectionId, string name) => _members[connectionId] = new Member(name);

    public void Remove(string connectionId) => _members.TryRemove(connectionId, out _);

    public bool IsConnected(string connectionId) => _members.ContainsKey(connectionId);

    public string NameOf(string connectionId) => _members.TryGetValue(connectionId, out var member) ? member.Name : "?";

    /// <summary>Everyone connected, as (id, name) pairs, in name order.</summary>
    public IReadOnlyList<User> Users() =>
        [.. _members.Select(m => new User(m.Key, m.Value.Name)).OrderBy(u => u.Name, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal)];

    /// <summary>What Socket.IO's <c>socket.rooms</c> would hold: the connection's own id first, then its groups in join order.</summary>
    public IReadOnlyList<string> Rooms(string connectionId)
    {
        if (!_members.TryGetValue(connectionId, out var member))
        {
            return [];
        }
        lock (member.Groups)
        {
            return [connectionId, .. member.Groups];
        }
    }

    /// <summary>The connections in any of <paramref name="groups"/>, each once.</summary>
    public IReadOnlyList<string> MembersOf(IEnumerable<string> groups)
    {
        var wanted = groups.ToHashSet(StringComparer.Ordinal);
        return [.. _members.Where(m => { lock (m.Value.Groups) { return m.Value.Groups.Any(wanted.Contains); } }).Select(m => m.Key)];
    }

    public void Joined(string connectionId, string group) => Update(connectionId, groups => { if (!groups.Contains(group)) groups.Add(group); });

    public void Left(string connectionId, string group) => Update(connectionId, groups => groups.Remove(group));

    private void Update(string connectionId, Action<List<string>> change)
    {
        if (_members.TryGetValue(connectionId, out var member))
        {
            lock (member.Groups)
            {
                change(member.Groups);
            }
        }
    }

    private sealed record Member(string Name)
    {
        public List<string> Groups { get; } = [];
    }
}

/// <summary>A connected user, as the page lists them.</summary>
public sealed record User(string Id, string Name);
