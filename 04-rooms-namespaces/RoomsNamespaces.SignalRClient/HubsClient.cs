using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace RoomsNamespaces.SignalRClient;

/// <summary>
/// What the hubs' channels page (RoomsNamespaces.SignalR/wwwroot/channels.html) does, in C# with the official client:
/// connect to <c>/channels?name=…</c>, join a group and send to it, show every <c>private</c>, <c>public</c>,
/// <c>broadcast</c> and <c>group</c> message as the page lists it; call the <c>/goods</c> and <c>/user</c> hubs
/// (post 001's namespaces). Every line goes to <paramref name="print"/> (the console, or a test's transcript).
/// </summary>
/// <remarks>
/// A hub is not a namespace on a shared connection: each hub here is its own <see cref="HubConnection"/>, three in all.
/// A connection that comes back after a drop is a new connection in no group: like Socket.IO's rooms, groups are not
/// restored for you, so <c>Reconnected</c> joins them again.
/// </remarks>
public sealed class HubsClient : IAsyncDisposable
{
    private readonly Action<string> _print;
    private readonly HubConnection _channels;
    private readonly HubConnection _goods;
    private readonly HubConnection _user;
    private readonly HashSet<string> _groups = [];

    public HubsClient(Uri server, string name, Action<string> print)
    {
        _print = print;
        _channels = Connect(new Uri(server, $"/channels?name={Uri.EscapeDataString(name)}"));
        _goods = Connect(new Uri(server, "/goods"));
        _user = Connect(new Uri(server, "/user"));

        // connection.on(...) as the page has it: "[group 1] alice: hi".
        _channels.On<string, string>("private", (from, text) => _print($"[private] {from}: {text}"));
        _channels.On<string, string>("public", (from, text) => _print($"[public] {from}: {text}"));
        _channels.On<string, string>("broadcast", (from, text) => _print($"[broadcast] {from}: {text}"));
        _channels.On<string, string, string>("group", (from, groups, text) => _print($"[group {groups}] {from}: {text}"));

        _channels.Reconnecting += error => Print($"연결이 끊겼습니다. 다시 연결하는 중… ({error?.Message})");
        _channels.Reconnected += async id =>
        {
            _print($"다시 연결되었습니다 (connection id {id}). 그룹에 다시 들어갑니다.");
            foreach (var group in _groups.ToArray()) await JoinAsync(group);
        };
    }

    /// <summary>The connection id of /channels (from negotiation), the id others send private messages to.</summary>
    public string? Id => _channels.ConnectionId;

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (hub, connection) in new[] { ("/channels", _channels), ("/goods", _goods), ("/user", _user) })
        {
            await connection.StartAsync(cancellationToken);
            _print($"{hub} 연결됨 (connection id {connection.ConnectionId})");
        }
        _print("허브마다 연결이 하나씩입니다: 세 연결.");
    }

    /// <summary><c>connection.invoke("JoinGroup", group)</c>: the answer is like <c>socket.rooms</c>, the connection id first, then the groups.</summary>
    public async Task<IReadOnlyList<string>> JoinAsync(string group, CancellationToken cancellationToken = default)
    {
        var rooms = await _channels.InvokeAsync<string[]>("JoinGroup", group, cancellationToken);
        _groups.Add(group);
        _print($"rooms: [{string.Join(", ", rooms)}]");
        return rooms;
    }

    /// <summary><c>connection.invoke("SendToGroup", group, text)</c>: everyone in the group gets it, the sender too if in it.</summary>
    public async Task<bool> SayAsync(string group, string text, CancellationToken cancellationToken = default)
    {
        try
        {
            await _channels.InvokeAsync("SendToGroup", group, text, cancellationToken);
            return true;
        }
        catch (HubException e)
        {
            // Refused input fails that one call with the hub's message; the connection stays.
            _print($"SendToGroup: {e.Message}");
            return false;
        }
    }

    /// <summary><c>connection.invoke("SendPublic", text)</c>: everyone, the sender included.</summary>
    public Task SendPublicAsync(string text, CancellationToken cancellationToken = default) =>
        _channels.InvokeAsync("SendPublic", text, cancellationToken);

    /// <summary>The hub buttons: <c>goods.invoke("Shoes", "270mm")</c> and <c>user.invoke("Admin", "on")</c>.</summary>
    public async Task CallHubsAsync(CancellationToken cancellationToken = default)
    {
        _print($"/goods Shoes: {await _goods.InvokeAsync<string>("Shoes", "270mm", cancellationToken)}");
        _print($"/user Admin: {await _user.InvokeAsync<string>("Admin", "on", cancellationToken)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _user.DisposeAsync();
        await _goods.DisposeAsync();
        await _channels.DisposeAsync();
    }

    // Negotiation, then WebSockets (or Server-Sent Events, or long polling); retries after 0, 2, 10 and 30 s.
    private static HubConnection Connect(Uri url) =>
        new HubConnectionBuilder().WithUrl(url).WithAutomaticReconnect().Build();

    private Task Print(string text)
    {
        _print(text);
        return Task.CompletedTask;
    }
}
