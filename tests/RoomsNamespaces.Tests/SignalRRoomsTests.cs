extern alias signalr;

using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04's SignalR counterpart, driven by three C# clients (the official client, HubConnectionBuilder().WithUrl(...)): who receives what for
/// private, public, broadcast and group sends (post 001), the /goods and /user hubs (post 001's namespaces), and
/// post 003's chat.
/// </summary>
/// <remarks>
/// Proving that someone did NOT get a message, without sleeping: after each send, alice sends a public "marker" that
/// everyone receives. SignalR keeps order per connection, and each send completed (InvokeAsync returned) before the
/// marker was sent, so once a client has the marker, anything meant for it before the marker has arrived too.
/// </remarks>
public sealed class SignalRRoomsTests
{
    [Fact]
    public async Task Who_receives_private_public_broadcast_and_group_messages()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var alice = await Member.ConnectAsync(app, "alice");
        await using var bob = await Member.ConnectAsync(app, "bob");
        await using var carol = await Member.ConnectAsync(app, "carol");
        Member[] everyone = [alice, bob, carol];
        var transcript = new Transcript();
        var markers = 0;

        async Task Round(string title, Func<Task> send)
        {
            transcript.Section(title);
            foreach (var member in everyone) member.Mark();
            await send();
            var marker = $"marker {++markers}";
            await alice.Connection.InvokeAsync("SendPublic", marker);
            foreach (var member in everyone) await member.Received.WaitForText(marker);
            foreach (var member in everyone)
            {
                var got = member.SinceMark().Where(l => !l.EndsWith(": " + marker, StringComparison.Ordinal)).ToList();
                transcript.Add($"{member.Name,-5} got: {(got.Count == 0 ? "(nothing)" : string.Join(" | ", got))}");
            }
        }

        await Round("private: alice to bob — Clients.Client(bob's id) (Socket.IO: io.to(id).emit)",
            () => alice.Connection.InvokeAsync("SendPrivate", bob.Id, "hi bob"));
        await Round("public: from alice — Clients.All, the sender included (io.emit)",
            () => alice.Connection.InvokeAsync("SendPublic", "hello all"));
        await Round("broadcast: from alice — Clients.Others, the sender left out (socket.broadcast.emit)",
            () => alice.Connection.InvokeAsync("SendBroadcast", "hello others"));

        transcript.Section("groups: alice joins 1, bob joins 1 and 2, carol joins 2 (socket.join); each call returns the tracked \"socket.rooms\"");
        transcript.Add($"alice rooms: {string.Join(", ", await alice.Join("1"))}");
        await bob.Join("1");
        transcript.Add($"bob   rooms: {string.Join(", ", await bob.Join("2"))}");
        transcript.Add($"carol rooms: {string.Join(", ", await carol.Join("2"))}");

        await Round("group 1 from carol, who is not in it — Clients.Group(\"1\") (io.to(\"1\").emit)",
            () => carol.Connection.InvokeAsync("SendToGroup", "1", "to group 1"));
        await Round("groups 1 and 2 from alice — Clients.Groups([\"1\", \"2\"]): one send per group, so bob, in both, gets it TWICE",
            () => alice.Connection.InvokeAsync("SendToGroups", new[] { "1", "2" }, "to groups 1 and 2"));
        await Round("groups 1 and 2 from alice, once each — tracked members and Clients.Clients(ids), as Socket.IO's io.to(\"1\").to(\"2\").emit",
            () => alice.Connection.InvokeAsync("SendToGroupsOnce", new[] { "1", "2" }, "to groups 1 and 2, once"));
        await Round("group 2 from bob, himself left out — Clients.OthersInGroup(\"2\") (socket.to(\"2\").emit)",
            () => bob.Connection.InvokeAsync("SendToGroupOthers", "2", "to the rest of group 2"));

        transcript.Section("bob leaves group 1 (socket.leave)");
        transcript.Add($"bob   rooms: {string.Join(", ", await bob.Connection.InvokeAsync<string[]>("LeaveGroup", "1"))}");
        await Round("group 1 from carol again: only alice is left in it",
            () => carol.Connection.InvokeAsync("SendToGroup", "1", "to group 1 again"));

        transcript.Section("bad input fails that call with a clear error; the connection keeps working");
        transcript.Add(await ErrorOf(() => alice.Join("")));
        transcript.Add(await ErrorOf(() => alice.Connection.InvokeAsync("SendPrivate", "no-such-id", "hello?")));
        transcript.Add(await ErrorOf(() => alice.Connection.InvokeAsync("SendToGroups", Array.Empty<string>(), "to nobody")));
        await Round("public from alice after those errors", () => alice.Connection.InvokeAsync("SendPublic", "still here"));

        Snapshot.Match(Named(transcript.ToString(), everyone));
    }

    [Fact]
    public async Task Two_hubs_are_two_connections_with_their_own_methods()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        var transcript = new Transcript();

        // io("/goods") and io("/user"): in SignalR, two HubConnections — two WebSockets.
        await using var goods = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/goods")).Build();
        await using var user = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "/user")).Build();
        await goods.StartAsync();
        await app.Log.WaitForText("goods connected");
        await user.StartAsync();
        await app.Log.WaitForText("user connected");

        transcript.Section("each hub answers its own methods (the return value is the ack)");
        transcript.Add($"goods.Shoes -> {await goods.InvokeAsync<string>("Shoes", "270mm")}");
        transcript.Add($"goods.Pants -> {await goods.InvokeAsync<string>("Pants", "32")}");
        transcript.Add($"user.Admin  -> {await user.InvokeAsync<string>("Admin", "on")}");
        transcript.Section("and not the other hub's");
        transcript.Add($"goods.Admin -> {await ErrorOf(() => goods.InvokeAsync<string>("Admin", "on"))}");
        transcript.Add($"user.Shoes  -> {await ErrorOf(() => user.InvokeAsync<string>("Shoes", "270mm"))}");

        transcript.Section("server log");
        foreach (var line in app.Log.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), PortScrubber(app));
    }

    [Fact]
    public async Task Chat_join_chat_and_leave_reach_everyone_and_leave_ends_the_connection()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var alice = await Chatter.ConnectAsync(app, "alice");
        await using var bob = await Chatter.ConnectAsync(app, "bob");
        await using var carol = await Chatter.ConnectAsync(app, "carol");
        Chatter[] everyone = [alice, bob, carol];

        // io.emit: the sender gets its own join and chat too.
        foreach (var chatter in everyone) await chatter.Connection.InvokeAsync("Join", chatter.Name);
        foreach (var chatter in everyone) await chatter.Screen.WaitForText("님이 입장하셨습니다.", count: 3);
        await alice.Connection.InvokeAsync("Chat", new { name = "alice", msg = "<b>hi</b>" });
        foreach (var chatter in everyone) await chatter.Screen.WaitForText("alice : <b>hi</b>");

        // leave: everyone (bob too) is told, then the server ends bob's connection.
        await bob.Connection.SendAsync("Leave", "bob");
        foreach (var chatter in everyone) await chatter.Screen.WaitForText("bob 님이 퇴장하셨습니다.");
        var closedWith = await Wait.For(bob.Closed.Task, "bob's connection to close");
        await app.Log.WaitForText("Socket Disconnected");

        // Bad input is refused for that call only.
        var error = await ErrorOf(() => carol.Connection.InvokeAsync("Chat", new { name = "carol", msg = "" }));
        await carol.Connection.InvokeAsync("Chat", new { name = "carol", msg = "bob left" });
        await alice.Screen.WaitForText("carol : bob left");
        await carol.Screen.WaitForText("carol : bob left");

        var transcript = new Transcript();
        foreach (var chatter in everyone)
        {
            transcript.Section($"{chatter.Name}'s screen");
            foreach (var line in chatter.Screen.Lines) transcript.Add(line);
        }
        transcript.Section("bob's connection after leave (built WithAutomaticReconnect, yet it does not come back)");
        transcript.Add($"state: {bob.Connection.State}, closed with: {closedWith?.Message ?? "no error"}");
        transcript.Section("carol sends an empty message");
        transcript.Add(error);
        transcript.Section("server log");
        foreach (var line in app.Log.Lines) transcript.Add(line);
        Snapshot.Match(transcript.ToString(), PortScrubber(app));
    }

    private static async Task<string> ErrorOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        return "error: " + error.Message;
    }

    // Connection ids become "<alice>" etc., so the snapshot reads like the story it tells.
    /// <summary>The usual scrubber, plus the bare port of "Server is connected on 3001".</summary>
    private static Scrubber PortScrubber(RunningApp<signalr::Program> app)
    {
        var scrubber = Scrubber.Default();
        scrubber.Id(app.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "port");
        return scrubber;
    }

    private static string Named(string text, IEnumerable<Member> members)
    {
        foreach (var member in members) text = text.Replace(member.Id, $"<{member.Name}'s id>", StringComparison.Ordinal);
        return text;
    }

    /// <summary>A client of /channels that writes down everything it receives.</summary>
    private sealed class Member : IAsyncDisposable
    {
        private int _mark;

        private Member(string name, HubConnection connection)
        {
            Name = name;
            Connection = connection;
            connection.On<string, string>("private", (from, text) => Received.Add($"private from {from}: {text}"));
            connection.On<string, string>("public", (from, text) => Received.Add($"public from {from}: {text}"));
            connection.On<string, string>("broadcast", (from, text) => Received.Add($"broadcast from {from}: {text}"));
            connection.On<string, string, string>("group", (from, groups, text) => Received.Add($"group {groups} from {from}: {text}"));
        }

        public string Name { get; }
        public HubConnection Connection { get; }
        public string Id { get; private set; } = "";
        public Transcript Received { get; } = new();

        public static async Task<Member> ConnectAsync(RunningApp<signalr::Program> app, string name)
        {
            var connection = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, $"/channels?name={name}")).Build();
            var member = new Member(name, connection);
            await connection.StartAsync();
            member.Id = await connection.InvokeAsync<string>("WhoAmI");
            return member;
        }

        public Task<string[]> Join(string group) => Connection.InvokeAsync<string[]>("JoinGroup", group);

        public void Mark() => _mark = Received.Lines.Count;

        public IEnumerable<string> SinceMark() => Received.Lines.Skip(_mark);

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    /// <summary>A client of /chat whose "screen" shows what post 003's page renders.</summary>
    private sealed class Chatter : IAsyncDisposable
    {
        private Chatter(string name, HubConnection connection)
        {
            Name = name;
            Connection = connection;
            connection.On<string>("join", who => Screen.Add($"{who} 님이 입장하셨습니다."));
            connection.On<ChatLine>("chat", line => Screen.Add($"{line.Name} : {line.Msg}"));
            connection.On<string>("leave", who => Screen.Add($"{who} 님이 퇴장하셨습니다."));
            connection.Closed += error => { Closed.TrySetResult(error); return Task.CompletedTask; };
        }

        public string Name { get; }
        public HubConnection Connection { get; }
        public Transcript Screen { get; } = new();
        public TaskCompletionSource<Exception?> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<Chatter> ConnectAsync(RunningApp<signalr::Program> app, string name)
        {
            // With automatic reconnect: Context.Abort() (like socket.disconnect(true)) still ends the connection for good.
            var chatter = new Chatter(name, new HubConnectionBuilder()
                .WithUrl(new Uri(app.BaseAddress, "/chat"))
                .WithAutomaticReconnect()
                .Build());
            await chatter.Connection.StartAsync();
            return chatter;
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();

        private sealed record ChatLine(string Name, string Msg);
    }
}
