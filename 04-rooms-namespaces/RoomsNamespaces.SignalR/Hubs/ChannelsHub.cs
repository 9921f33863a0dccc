using Microsoft.AspNetCore.SignalR;

namespace RoomsNamespaces.SignalR.Hubs;

/// <summary>
/// Post 001's "통신 종류": private, public and broadcast sends, then rooms, which SignalR calls groups.
/// Each client connects to <c>/channels?name=alice</c>; every message carries the sender's name.
/// </summary>
public sealed class ChannelsHub(GroupTracker tracker, ILogger<ChannelsHub> logger) : Hub
{
    private const int MaxText = 500;
    private const int MaxGroupName = 50;
    private const int MaxName = 30;

    private string Name => tracker.NameOf(Context.ConnectionId);

    public override async Task OnConnectedAsync()
    {
        // The page connects to /channels?name=alice; no name, no problem.
        var name = Context.GetHttpContext()?.Request.Query["name"].ToString().Trim();
        name = string.IsNullOrEmpty(name) ? "익명" : name[..Math.Min(name.Length, MaxName)];
        tracker.Add(Context.ConnectionId, name);
        logger.LogInformation("{Name} connected", name);
        await Clients.All.SendAsync("users", tracker.Users());
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR removes a closed connection from its groups by itself; the tracker has to be told.
        logger.LogInformation("{Name} disconnected", Name);
        tracker.Remove(Context.ConnectionId);
        await Clients.All.SendAsync("users", tracker.Users());
    }

    /// <summary>A Socket.IO client knows its <c>socket.id</c>; a SignalR client asks (the id is not sent when negotiation is skipped).</summary>
    public string WhoAmI() => Context.ConnectionId;

    /// <summary>private, 1:1 — <c>io.to(socketId).emit(...)</c>.</summary>
    public async Task SendPrivate(string connectionId, string text)
    {
        CheckText(text);
        if (!tracker.IsConnected(connectionId))
        {
            // SignalR itself would drop the message silently, as Socket.IO does: say so instead.
            throw new HubException($"No one is connected with id \"{connectionId}\".");
        }
        await Clients.Client(connectionId).SendAsync("private", Name, text);
    }

    /// <summary>public, everyone including the sender — <c>io.emit(...)</c>.</summary>
    public async Task SendPublic(string text)
    {
        CheckText(text);
        await Clients.All.SendAsync("public", Name, text);
    }

    /// <summary>broadcast, everyone except the sender — <c>socket.broadcast.emit(...)</c>.</summary>
    public async Task SendBroadcast(string text)
    {
        CheckText(text);
        await Clients.Others.SendAsync("broadcast", Name, text);
    }

    /// <summary><c>socket.join(room)</c>; returns what <c>socket.rooms</c> would hold now.</summary>
    public async Task<IReadOnlyList<string>> JoinGroup(string group)
    {
        CheckGroup(group);
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        tracker.Joined(Context.ConnectionId, group);
        return tracker.Rooms(Context.ConnectionId);
    }

    /// <summary><c>socket.leave(room)</c>; returns what <c>socket.rooms</c> would hold now.</summary>
    public async Task<IReadOnlyList<string>> LeaveGroup(string group)
    {
        CheckGroup(group);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
        tracker.Left(Context.ConnectionId, group);
        return tracker.Rooms(Context.ConnectionId);
    }

    /// <summary>The tracked stand-in for <c>socket.rooms</c>.</summary>
    public IReadOnlyList<string> Rooms() => tracker.Rooms(Context.ConnectionId);

    /// <summary>To everyone in the group — <c>io.to(room).emit(...)</c>. The sender need not be a member.</summary>
    public async Task SendToGroup(string group, string text)
    {
        CheckText(text);
        CheckGroup(group);
        await Clients.Group(group).SendAsync("group", Name, group, text);
    }

    /// <summary>
    /// To the members of each group — <c>Clients.Groups(["1", "2"])</c>. Careful: SignalR sends once per group, so someone
    /// in two of the groups gets it twice. The sender need not be a member.
    /// </summary>
    public async Task SendToGroups(string[] groups, string text)
    {
        CheckGroups(groups, text);
        await Clients.Groups(groups).SendAsync("group", Name, string.Join(",", groups), text);
    }

    /// <summary>
    /// Socket.IO's <c>io.to("1").to("2").emit(...)</c> reaches everyone in any of the rooms exactly once. SignalR cannot
    /// list a group's members, so the tracker works out who they are and <c>Clients.Clients(ids)</c> sends to each once.
    /// </summary>
    public async Task SendToGroupsOnce(string[] groups, string text)
    {
        CheckGroups(groups, text);
        await Clients.Clients(tracker.MembersOf(groups)).SendAsync("group", Name, string.Join(",", groups), text);
    }

    /// <summary>To the group's members except the sender — <c>socket.to(room).emit(...)</c> / <c>socket.broadcast.to(room)</c>.</summary>
    public async Task SendToGroupOthers(string group, string text)
    {
        CheckText(text);
        CheckGroup(group);
        await Clients.OthersInGroup(group).SendAsync("group", Name, group, text);
    }

    // Bad input fails that one call with a clear message (the client's invoke rejects); the connection stays.
    private static void CheckText(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxText)
        {
            throw new HubException($"A message is 1 to {MaxText} characters.");
        }
    }

    private static void CheckGroups(string[] groups, string text)
    {
        CheckText(text);
        if (groups is null || groups.Length == 0)
        {
            throw new HubException("Name at least one group.");
        }
        foreach (var group in groups) CheckGroup(group);
    }

    private static void CheckGroup(string group)
    {
        if (string.IsNullOrWhiteSpace(group) || group.Length > MaxGroupName)
        {
            throw new HubException($"A group name is 1 to {MaxGroupName} characters, not blank.");
        }
    }
}
