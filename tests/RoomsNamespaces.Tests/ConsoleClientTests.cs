extern alias signalr;
extern alias sio;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;
using RoomsNamespaces.Client;
using RoomsNamespaces.SignalRClient;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04's console clients, each against its real server: <see cref="RoomClient"/> (SocketIOClient, the channels
/// page's part) and <see cref="HubsClient"/> (the SignalR client, the hubs' part). Alice and bob join room 1, carol
/// does not; alice says something to the room; then each calls the namespaces (or hubs).
/// </summary>
public sealed class ConsoleClientTests
{
    [Fact]
    public async Task The_SocketIO_console_client_joins_a_room_talks_to_it_and_calls_both_namespaces()
    {
        var websockets = 0;
        await using var app = await RunningApp<sio::Program>.StartAsync(configure: CountWebSockets(() => Interlocked.Increment(ref websockets)));
        var alice = new Transcript();
        var bob = new Transcript();
        var carol = new Transcript();
        using var aliceClient = new RoomClient(app.BaseAddress, alice.Add);
        using var bobClient = new RoomClient(app.BaseAddress, bob.Add);
        using var carolClient = new RoomClient(app.BaseAddress, carol.Add);
        await aliceClient.ConnectAsync();
        await bobClient.ConnectAsync();
        await carolClient.ConnectAsync();

        // socket.rooms: own id first, then the room.
        Assert.Equal([aliceClient.Id!, "1"], await aliceClient.JoinAsync("1"));
        Assert.Equal([bobClient.Id!, "1"], await bobClient.JoinAsync("1"));
        Assert.Contains($"socket.rooms: [\"{aliceClient.Id}\",\"1\"]", alice.Lines);

        // io.to("1").emit("room", ...): alice (in the room, so she gets it too) and bob; carol is not in it.
        Assert.True(await aliceClient.SayAsync("1", "안녕하세요, 1번 방!"));
        await alice.WaitForText("room [1] from 나: 안녕하세요, 1번 방!");
        await bob.WaitForText($"room [1] from {aliceClient.Id}: 안녕하세요, 1번 방!");
        // Proof that carol did not get it, without waiting "long enough": one connection keeps its order, so once she
        // has alice's later public message, the room message would have come before it.
        await aliceClient.SendPublicAsync("marker");
        await carol.WaitForText($"public from {aliceClient.Id}: marker");
        Assert.DoesNotContain(carol.Lines, l => l.StartsWith("room", StringComparison.Ordinal));

        // Refused input comes back in the ack, as on the page.
        Assert.False(await aliceClient.SayAsync("1", ""));
        await alice.WaitForText("room: the message is empty");

        // The namespaces: each answers the callback with what it got, and the server logs it.
        await aliceClient.CallNamespacesAsync();
        Assert.Contains("/goods shoes: 270mm", alice.Lines);
        Assert.Contains("/user admin: on", alice.Lines);
        await app.Log.WaitForText("/goods shoes: 270mm");
        await app.Log.WaitForText("/user admin: on");

        // SocketIOClient opens one WebSocket per namespace (the browser client shares one): three clients, nine.
        Assert.Equal(9, Volatile.Read(ref websockets));

        var aliceId = aliceClient.Id;
        await aliceClient.DisconnectAsync();
        await app.Log.WaitForText($"disconnected: {aliceId} (client namespace disconnect)");
    }

    [Fact]
    public async Task The_SignalR_console_client_joins_a_group_talks_to_it_and_calls_both_hubs()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        var alice = new Transcript();
        var bob = new Transcript();
        var carol = new Transcript();
        await using var aliceClient = new HubsClient(app.BaseAddress, "alice", alice.Add);
        await using var bobClient = new HubsClient(app.BaseAddress, "bob", bob.Add);
        await using var carolClient = new HubsClient(app.BaseAddress, "carol", carol.Add);
        await aliceClient.ConnectAsync();
        await bobClient.ConnectAsync();
        await carolClient.ConnectAsync();
        Assert.Contains($"/channels 연결됨 (connection id {aliceClient.Id})", alice.Lines);

        // The hub answers like socket.rooms: the connection id first, then the groups.
        Assert.Equal([aliceClient.Id!, "1"], await aliceClient.JoinAsync("1"));
        Assert.Equal([bobClient.Id!, "1"], await bobClient.JoinAsync("1"));

        // Clients.Group("1").SendAsync("group", ...): alice and bob; carol is not in the group.
        Assert.True(await aliceClient.SayAsync("1", "안녕하세요, 1번 그룹!"));
        await alice.WaitForText("[group 1] alice: 안녕하세요, 1번 그룹!");
        await bob.WaitForText("[group 1] alice: 안녕하세요, 1번 그룹!");
        // As above: SignalR keeps order per connection, so once carol has the later public message, she would have
        // had the group message before it.
        await aliceClient.SendPublicAsync("marker");
        await carol.WaitForText("[public] alice: marker");
        Assert.DoesNotContain(carol.Lines, l => l.StartsWith("[group", StringComparison.Ordinal));

        // Refused input fails that one invocation with the hub's message.
        Assert.False(await aliceClient.SayAsync("1", ""));
        await alice.WaitForText("HubException: A message is 1 to 500 characters.");

        // The two other hubs, each its own connection.
        await aliceClient.CallHubsAsync();
        Assert.Contains("/goods Shoes: shoes 받음: 270mm", alice.Lines);
        Assert.Contains("/user Admin: admin 받음: on", alice.Lines);
        await app.Log.WaitForText("goods connected", count: 3);
        await app.Log.WaitForText("shoes: 270mm");
        await app.Log.WaitForText("admin: on");
    }

    /// <summary>Counts the WebSocket upgrade requests that reach the app (before its own pipeline).</summary>
    private static Action<IWebHostBuilder> CountWebSockets(Action counted) =>
        builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Counter(counted)));

    private sealed class Counter(Action counted) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)) counted();
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
