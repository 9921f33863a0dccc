extern alias signalr;

using System.Text;
using System.Text.RegularExpressions;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Testing;
using StackExchange.Redis;

namespace RoomsNamespaces.Tests;

/// <summary>
/// More than one server: two real instances of step 04's SignalR app (A and B, two ports), alice connected to A and
/// bob to B. With one redis-server behind both (<c>--Redis=127.0.0.1:port</c>, SignalR's Redis backplane), a group
/// send and a broadcast on A reach bob on B; without it, A's sends stay on A. A third Redis connection listens to
/// every channel (<c>PSUBSCRIBE *</c>) and writes down what travels, decoded.
/// </summary>
/// <remarks>
/// Each round first waits for the messages that must arrive, then proves "nothing else" without sleeping: a public
/// marker is sent and awaited by everyone it can reach. Careful, through Redis the order holds per channel only: a
/// server reads each channel on its own, so a group send (channel <c>…:group:1</c>) may reach bob AFTER a later
/// Clients.All marker (channel <c>…:all</c>) — seen in a run of this test. The marker covers what travels on
/// <c>…:all</c>; a group send cannot reach a server that has no member in the group (it never subscribed).
/// </remarks>
public sealed partial class SignalRScaleOutTests
{
    private const string Hub = "RoomsNamespaces.SignalR.Hubs.ChannelsHub";

    [Fact]
    public async Task Two_servers_with_Redis_share_group_sends_and_broadcasts()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var wire = await RedisWire.ListenAsync(redis);
        var settings = new Dictionary<string, string?> { ["Redis"] = redis.Configuration };
        await using var a = await RunningApp<signalr::Program>.StartAsync(settings);
        await using var b = await RunningApp<signalr::Program>.StartAsync(settings);
        await using var alice = await Member.ConnectAsync(a, "alice");
        await using var bob = await Member.ConnectAsync(b, "bob");
        var transcript = new Transcript();
        var story = new Story(transcript, [alice, bob]);

        transcript.Section("alice is connected to server A, bob to server B; one redis-server behind both");
        transcript.Add($"bob joins group 1 on B: rooms {string.Join(", ", await bob.Join("1"))}");

        // The marker is public from alice: with the backplane it reaches both servers.
        await story.Round("alice (A) to group 1 — Clients.Group(\"1\"): bob, on B, is in it",
            () => alice.Connection.InvokeAsync("SendToGroup", "1", "hi group 1"), [(bob, "hi group 1")], alice, [alice, bob]);
        await story.Round("alice (A) public — Clients.All: both servers' clients",
            () => alice.Connection.InvokeAsync("SendPublic", "hello all"), [(alice, "hello all"), (bob, "hello all")], alice, [alice, bob]);
        await story.Round("bob (B) broadcast — Clients.Others: alice, on A",
            () => bob.Connection.InvokeAsync("SendBroadcast", "hello from B"), [(alice, "hello from B")], alice, [alice, bob]);

        transcript.Section("what this app keeps in memory stays per server: A's GroupTracker does not know bob");
        transcript.Add(await ErrorOf(() => alice.Connection.InvokeAsync("SendPrivate", bob.Id, "hi bob")));

        // Everything above has been published once bob's last marker is on the wire.
        await wire.Published.WaitForText("marker 3");
        transcript.Section("what was published to Redis, in order (PSUBSCRIBE *; the payload is MessagePack, decoded)");
        foreach (var line in wire.Published.Lines) transcript.Add(line);
        transcript.Section("the channels the two servers subscribe to (PUBSUB CHANNELS; one line per name, × how many)");
        var channels = (await wire.ChannelsAsync()).Select(c => ServerName().Replace(Named(c, [alice, bob]), "<server>"));
        foreach (var group in channels.GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var note = group.Key == "__Booksleeve_MasterChanged" ? "  (StackExchange.Redis's own: the primary changed)" : "";
            transcript.Add((group.Count() == 1 ? group.Key : $"{group.Key}  ×{group.Count()}") + note);
        }

        Snapshot.Match(Ports(Named(transcript.ToString(), [alice, bob]), a, b), Scrubber.Default());
    }

    [Fact]
    public async Task Two_servers_without_Redis_keep_their_sends_to_themselves()
    {
        // The contrast: the same two servers with nothing between them.
        await using var a = await RunningApp<signalr::Program>.StartAsync();
        await using var b = await RunningApp<signalr::Program>.StartAsync();
        await using var alice = await Member.ConnectAsync(a, "alice");
        await using var bob = await Member.ConnectAsync(b, "bob");
        var transcript = new Transcript();
        var story = new Story(transcript, [alice, bob]);

        transcript.Section("alice is connected to server A, bob to server B; no Redis");
        transcript.Add($"bob joins group 1 on B: rooms {string.Join(", ", await bob.Join("1"))}");

        // A marker from alice could never reach bob, so each side sends its own: alice's on A, bob's on B.
        await story.Round("alice (A) to group 1 — Clients.Group(\"1\"): A has no group 1",
            () => alice.Connection.InvokeAsync("SendToGroup", "1", "hi group 1"), [], alice, [alice], bob);
        await story.Round("alice (A) public — Clients.All: \"all\" is A's clients",
            () => alice.Connection.InvokeAsync("SendPublic", "hello all"), [(alice, "hello all")], alice, [alice], bob);
        await story.Round("bob (B) broadcast — Clients.Others: B has no one else",
            () => bob.Connection.InvokeAsync("SendBroadcast", "hello from B"), [], alice, [alice], bob);

        Assert.DoesNotContain(bob.Received.Lines, l => l.Contains("from alice", StringComparison.Ordinal));
        Assert.DoesNotContain(alice.Received.Lines, l => l.Contains("from bob", StringComparison.Ordinal));
        Snapshot.Match(Ports(Named(transcript.ToString(), [alice, bob]), a, b), Scrubber.Default());
    }

    private static async Task<string> ErrorOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        return "error: " + error.Message;
    }

    private static string Named(string text, IEnumerable<Member> members)
    {
        foreach (var member in members) text = text.Replace(member.Id, $"<{member.Name}'s id>", StringComparison.Ordinal);
        return text;
    }

    /// <summary>The two servers' ports, written <c>{port A}</c> and <c>{port B}</c> (before the usual scrubber numbers them).</summary>
    private static string Ports(string text, RunningApp<signalr::Program> a, RunningApp<signalr::Program> b)
    {
        foreach (var (app, name) in new[] { (a, "A"), (b, "B") })
        {
            var port = app.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text = Regex.Replace(text, $@"\b{port}\b", $"{{port {name}}}");
        }
        return text;
    }

    // The backplane names each server (per hub) "<machine name>_<guid>"; its ack and return channels carry the name.
    [GeneratedRegex(@"(?<=:internal:(?:ack|return):)[^\s""]+")]
    private static partial Regex ServerName();

    /// <summary>Rounds of "someone sends, then a marker, then who got what".</summary>
    private sealed class Story(Transcript transcript, Member[] everyone)
    {
        private int _markers;

        public async Task Round(string title, Func<Task> send, (Member Who, string Text)[] expected, Member marker,
            Member[] reachedByMarker, Member? ownMarker = null)
        {
            transcript.Section(title);
            foreach (var member in everyone) member.Mark();
            await send();
            foreach (var (who, text) in expected) await who.Received.WaitForText(text);
            var markerText = $"marker {++_markers}";
            await marker.Connection.InvokeAsync("SendPublic", markerText);
            foreach (var member in reachedByMarker) await member.Received.WaitForText(markerText);
            if (ownMarker is not null)
            {
                await ownMarker.Connection.InvokeAsync("SendPublic", markerText);
                await ownMarker.Received.WaitForText($"{ownMarker.Name}: {markerText}");
            }
            foreach (var member in everyone)
            {
                var got = member.SinceMark().Where(l => !l.EndsWith(": " + markerText, StringComparison.Ordinal)).ToList();
                transcript.Add($"{member.Name,-5} got: {(got.Count == 0 ? "(nothing)" : string.Join(" | ", got))}");
            }
        }
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

        public static Task<Member> ConnectAsync(RunningApp<signalr::Program> app, string name) => ConnectAsync(app.BaseAddress, name);

        /// <summary>Connects to a server, or to nginx in front of servers.</summary>
        /// <param name="skipNegotiation">
        /// WebSocket straight away, with no negotiate request first (the JavaScript client's <c>skipNegotiation: true</c>):
        /// one request, so a load balancer without stickiness cannot split the connection between two servers.
        /// </param>
        public static async Task<Member> ConnectAsync(Uri server, string name, bool skipNegotiation = false)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server, $"/channels?name={name}"), options =>
                {
                    if (skipNegotiation)
                    {
                        options.SkipNegotiation = true;
                        options.Transports = HttpTransportType.WebSockets;
                    }
                })
                .Build();
            var member = new Member(name, connection);
            await connection.StartAsync();
            // Answered only after the server's OnConnectedAsync, so its Redis subscriptions are in place too.
            member.Id = await connection.InvokeAsync<string>("WhoAmI");
            return member;
        }

        public Task<string[]> Join(string group) => Connection.InvokeAsync<string[]>("JoinGroup", group);

        public void Mark() => _mark = Received.Lines.Count;

        public IEnumerable<string> SinceMark() => Received.Lines.Skip(_mark);

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    /// <summary>A Redis connection that subscribes to every channel and decodes what the backplane publishes.</summary>
    private sealed class RedisWire : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _redis;

        private RedisWire(ConnectionMultiplexer redis) => _redis = redis;

        /// <summary>One line per PUBLISH: <c>channel  decoded payload</c>.</summary>
        public Transcript Published { get; } = new();

        public static async Task<RedisWire> ListenAsync(RedisServer server)
        {
            var wire = new RedisWire(await ConnectionMultiplexer.ConnectAsync(server.Configuration));
            // A queue keeps the messages in the order Redis delivered them (a handler may run concurrently).
            var queue = await wire._redis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("*"));
            queue.OnMessage(message => wire.Published.Add($"{message.Channel}  {MsgPack.Decode(message.Message!)}"));
            return wire;
        }

        /// <summary>Every channel someone subscribes to, without this listener's own pattern.</summary>
        public async Task<IReadOnlyList<string>> ChannelsAsync()
        {
            var channels = await _redis.GetServer(_redis.GetEndPoints()[0]).SubscriptionChannelsAsync();
            return [.. channels.Select(c => c.ToString()).Order(StringComparer.Ordinal)];
        }

        public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
    }

    /// <summary>
    /// MessagePack as readable text: arrays <c>[…]</c>, maps <c>{k: v}</c>, strings quoted. Binary that is UTF-8 text
    /// (SignalR's serialized JSON hub message) is shown as <c>bin"…"</c>, with the JSON record separator as <c>␞</c>.
    /// </summary>
    private static class MsgPack
    {
        public static string Decode(byte[] bytes)
        {
            var reader = new MessagePackReader(bytes);
            var text = new StringBuilder();
            while (!reader.End)
            {
                if (text.Length > 0) text.Append(' ');
                Write(ref reader, text);
            }
            return text.ToString();
        }

        private static void Write(ref MessagePackReader reader, StringBuilder text)
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array:
                    var count = reader.ReadArrayHeader();
                    text.Append('[');
                    for (var i = 0; i < count; i++)
                    {
                        if (i > 0) text.Append(", ");
                        Write(ref reader, text);
                    }
                    text.Append(']');
                    break;
                case MessagePackType.Map:
                    var pairs = reader.ReadMapHeader();
                    text.Append('{');
                    for (var i = 0; i < pairs; i++)
                    {
                        if (i > 0) text.Append(", ");
                        Write(ref reader, text);
                        text.Append(": ");
                        Write(ref reader, text);
                    }
                    text.Append('}');
                    break;
                case MessagePackType.String:
                    text.Append('"').Append(reader.ReadString()).Append('"');
                    break;
                case MessagePackType.Binary:
                    var bin = System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value);
                    text.Append("bin\"").Append(Encoding.UTF8.GetString(bin).Replace("\u001e", "␞", StringComparison.Ordinal)).Append('"');
                    break;
                case MessagePackType.Integer:
                    text.Append(reader.ReadInt64());
                    break;
                case MessagePackType.Boolean:
                    text.Append(reader.ReadBoolean() ? "true" : "false");
                    break;
                case MessagePackType.Nil:
                    reader.ReadNil();
                    text.Append("nil");
                    break;
                default:
                    text.Append('(').Append(reader.NextMessagePackType).Append(')');
                    reader.Skip();
                    break;
            }
        }
    }
}
