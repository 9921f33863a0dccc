using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Protocol;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// The emit side of the server API with the official Node client (socket.io-client 4.8, node/sio-peer.mjs): broadcasts
/// that wait for every client's answer, volatile emits, the compress flag (a no-op) and the outgoing listeners.
/// </summary>
public sealed class EmitSideTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>A server whose clients join rooms by asking ("join" → "joined") and say when they answered an ack.</summary>
    private static Task<SocketIOTestHost> StartAsync(Transcript log, Action<SocketIOSocket>? more = null, TimeProvider? clock = null, LogRecorder? recorder = null) =>
        SocketIOTestHost.StartWithDefaultsAsync(io => io.OnConnection(socket =>
        {
            socket.On("join", (string room) => { socket.Join(room); socket.Emit("joined", room); });
            socket.On("answered", (string eventName) => log.Add($"answered {eventName} {socket.Id}"));
            more?.Invoke(socket);
        }), host: builder =>
        {
            if (clock is not null) builder.Services.AddSingleton(clock);
            recorder?.AddTo(builder);
        });

    [Fact]
    public async Task A_broadcast_with_acks_returns_the_answer_of_every_client_it_reached()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log);
        await using var apple = await Peer.ConnectAsync(host.BaseAddress, answer: "사과");
        await using var pear = await Peer.ConnectAsync(host.BaseAddress, answer: "배");
        await using var persimmon = await Peer.ConnectAsync(host.BaseAddress, answer: "감");
        await apple.JoinAsync("lunch");
        await pear.JoinAsync("lunch");

        // io.To(room): the two in the room answer; the third never hears the question.
        var inRoom = await host.IO.To("lunch").Timeout(Long).EmitWithAckAsync<string>("vote?", "점심 메뉴?");
        Assert.Equal(["배", "사과"], inRoom.Order());
        var question = Assert.Single(apple.Received("vote?"));
        Assert.Equal("""["점심 메뉴?"]""", question.GetProperty("args").GetRawText());
        Assert.True(question.GetProperty("ack").GetBoolean());      // the client saw a packet that asks for an answer

        // io.Timeout and io.Of("/"): everyone; the untyped form gives each client's answer as SocketIOArgs.
        Assert.Equal(["감", "배", "사과"], (await host.IO.Timeout(Long).EmitWithAckAsync<string>("vote?")).Order());
        var raw = await host.IO.Of("/").Timeout(Long).EmitWithAckAsync("vote?");
        Assert.Equal(["감", "배", "사과"], raw.Select(a => a.Get<string>(0)).Order());

        // From a socket: its Broadcast and its To(room) leave the sender out.
        var sender = host.IO.Sockets.Sockets[apple.Id];
        Assert.Equal(["감", "배"], (await sender.Broadcast.Timeout(Long).EmitWithAckAsync<string>("vote?")).Order());
        Assert.Equal(["배"], (await sender.To("lunch").Timeout(Long).EmitWithAckAsync<string>("vote?")).Order());

        // Nobody selected: no answer to wait for.
        Assert.Empty(await host.IO.To("empty room").Timeout(Long).EmitWithAckAsync<string>("vote?"));
        Assert.Equal((3, 5, 3), (apple.Received("vote?").Count, pear.Received("vote?").Count, persimmon.Received("vote?").Count));
    }

    [Fact]
    public async Task A_broadcast_with_acks_that_times_out_carries_the_answers_that_came_and_names_the_silent_sockets()
    {
        var log = new Transcript();
        var clock = new FakeTimeProvider();
        var recorder = new LogRecorder();
        await using var host = await StartAsync(log, clock: clock, recorder: recorder);
        await using var apple = await Peer.ConnectAsync(host.BaseAddress, answer: "사과");
        await using var pear = await Peer.ConnectAsync(host.BaseAddress, answer: "배");
        await using var silent = await Peer.ConnectAsync(host.BaseAddress, answer: "later:늦은 답");

        var voting = host.IO.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync<string>("vote?");
        // Both answers reached the server (each client says so after answering), and the third client has the question.
        await log.WaitFor(l => l.StartsWith("answered vote?", StringComparison.Ordinal), 2);
        await silent.WaitForEvent("vote?");
        Assert.False(voting.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(5));
        var timedOut = await Assert.ThrowsAsync<SocketIOBroadcastTimeoutException>(() => voting);
        Assert.IsAssignableFrom<TimeoutException>(timedOut);
        Assert.Equal(["배", "사과"], timedOut.Responses.Select(r => r.Get<string>(0)).Order());
        Assert.Equal([silent.Id], timedOut.Missing);
        Assert.Contains("2 of 3 clients answered", timedOut.Message);
        Assert.Contains(silent.Id, timedOut.Message);

        // The server no longer waits for the silent client: its late answer is an unknown ack, and nothing is kept.
        await silent.SendAsync(new { answerNow = true });
        await recorder.WaitForAsync("UnknownAck");
        Assert.Contains(silent.Id, recorder.Of("UnknownAck").Single().Message);
    }

    [Fact]
    public async Task A_broadcast_with_acks_needs_a_positive_timeout()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log);

        // Node would time out at once without a timeout; here it is a clear error before anything is sent.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.IO.To("r").EmitWithAckAsync("vote?"));
        Assert.Contains("needs a timeout", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => host.IO.Timeout(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => host.IO.Timeout(System.Threading.Timeout.InfiniteTimeSpan));
        await Assert.ThrowsAsync<ArgumentException>(() => host.IO.Timeout(Long).EmitWithAckAsync("disconnect"));
    }

    [Fact]
    public async Task Volatile_emits_arrive_over_an_idle_WebSocket()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log, socket => socket.On("ask", () => socket.Volatile.Emit("from-socket", 1)));
        await using var peer = await Peer.ConnectAsync(host.BaseAddress);
        await peer.JoinAsync("r1");

        // Each one waits for the previous: a volatile packet is dropped while an earlier frame is still being written.
        await peer.SendAsync(new { emit = new object[] { "ask" } });
        await peer.WaitForEvent("from-socket");
        host.IO.Volatile.Emit("from-io", 2);
        await peer.WaitForEvent("from-io");
        host.IO.To("r1").Volatile.Emit("from-room", 3);
        await peer.WaitForEvent("from-room");
        host.IO.Sockets.Sockets[peer.Id].Volatile.Compress(false).Emit("from-test", new[] { 4, 5 });
        await peer.WaitForEvent("from-test");
        Assert.Equal("[[4,5]]", peer.Received("from-test")[0].GetProperty("args").GetRawText());
    }

    [Fact]
    public async Task Over_polling_a_volatile_emit_with_no_GET_waiting_is_dropped_and_the_next_normal_one_arrives()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log, socket =>
        {
            socket.On("burst", () =>
            {
                socket.Emit("first");                  // takes the waiting GET (or waits for the next one)
                socket.Volatile.Emit("dropped");       // no GET waiting now: dropped, as in Node
            });
            socket.On("again", () => socket.Emit("second"));
        });
        await using var peer = await Peer.ConnectAsync(host.BaseAddress, transport: "polling");
        Assert.Equal("polling", peer.Transport);

        await peer.SendAsync(new { emit = new object[] { "burst" } });
        await peer.WaitForEvent("first");
        await peer.SendAsync(new { emit = new object[] { "again" } });
        await peer.WaitForEvent("second");
        Assert.Equal(["first", "second"], peer.Events());           // in order, and "dropped" never came
    }

    [Fact]
    public async Task Compress_is_accepted_everywhere_and_changes_nothing()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log);
        await using var peer = await Peer.ConnectAsync(host.BaseAddress);
        await using var other = await Peer.ConnectAsync(host.BaseAddress);
        await peer.JoinAsync("r1");
        var socket = host.IO.Sockets.Sockets[other.Id];

        host.IO.Sockets.Sockets[peer.Id].Compress(false).Emit("c", 1);
        host.IO.Compress(false).Emit("c", 2);
        host.IO.To("r1").Compress(true).Emit("c", 3);
        host.IO.Of("/").Compress(false).Emit("c", 4);
        socket.Broadcast.Compress(false).Emit("c", 5);
        await peer.WaitForEvent("c", 5);
        Assert.Equal(["[1]", "[2]", "[3]", "[4]", "[5]"], peer.Received("c").Select(c => c.GetProperty("args").GetRawText()));
    }

    [Fact]
    public async Task Outgoing_listeners_see_direct_emits_and_the_broadcasts_that_reach_the_socket()
    {
        var log = new Transcript();
        await using var host = await StartAsync(log);
        await using var peer = await Peer.ConnectAsync(host.BaseAddress, answer: "네");
        await peer.JoinAsync("r1");
        var socket = host.IO.Sockets.Sockets[peer.Id];
        Action<string, IReadOnlyList<object?>> first = (name, args) => log.Add($"first {name} {JsonSerializer.Serialize(args, SocketIOJson.Options)}");
        Action<string, IReadOnlyList<object?>> before = (name, args) => log.Add($"before {name}");
        socket.OnAnyOutgoing(first).PrependAnyOutgoing(before);
        Assert.Equal([before, first], socket.ListenersAnyOutgoing());

        socket.Emit("hello", "안녕");                                // a direct emit
        host.IO.To("r1").Emit("room", 1);                            // a broadcast that reaches it
        host.IO.To("r2").Emit("elsewhere", 2);                       // one that does not
        socket.Volatile.Emit("tick", 3);
        await socket.Timeout(Long).EmitWithAckAsync("sure?");        // an emit that asks for an answer
        await host.IO.Timeout(Long).EmitWithAckAsync("all-sure?");   // a broadcast that asks for answers
        await peer.WaitForEvent("all-sure?");
        Assert.Equal(
        [
            "before hello", """first hello ["안녕"]""",
            "before room", "first room [1]",
            "before tick", "first tick [3]",
            "before sure?", "first sure? []",
            "before all-sure?", "first all-sure? []",
        ], log.Lines.Where(l => l.StartsWith("before", StringComparison.Ordinal) || l.StartsWith("first", StringComparison.Ordinal)));

        // Off one listener, then all: a marker the client receives proves the emits after it were not seen.
        socket.OffAnyOutgoing(first);
        Assert.Equal([before], socket.ListenersAnyOutgoing());
        socket.Emit("after-off");
        socket.OffAnyOutgoing();
        Assert.Empty(socket.ListenersAnyOutgoing());
        socket.Emit("after-off-all");
        await peer.WaitForEvent("after-off-all");
        Assert.Contains("before after-off", log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("first after-off", StringComparison.Ordinal) || l.Contains("after-off-all"));

        // A listener that throws is logged; the event is still sent.
        socket.OnAnyOutgoing((_, _) => throw new InvalidOperationException("리스너 오류"));
        socket.Emit("still-sent");
        await peer.WaitForEvent("still-sent");
        await host.Log.WaitFor(l => l.Contains("onAnyOutgoing(still-sent) handler", StringComparison.Ordinal));
    }

    /// <summary>One official client (node/sio-peer.mjs) and what it printed.</summary>
    private sealed class Peer : IAsyncDisposable
    {
        private readonly NodeProcess _process;

        private Peer(NodeProcess process) => _process = process;

        public string Id => Lines(l => l.TryGetProperty("connected", out _)).First().GetProperty("connected").GetString()!;

        public string Transport => Lines(l => l.TryGetProperty("connected", out _)).First().GetProperty("transport").GetString()!;

        /// <summary>Starts a client over <paramref name="transport"/> that answers every ack with <paramref name="answer"/> (none: silent).</summary>
        public static async Task<Peer> ConnectAsync(Uri server, string transport = "websocket", string? answer = null, [CallerFilePath] string sourceFile = "")
        {
            string[] args = answer is null ? [server.ToString(), transport] : [server.ToString(), transport, answer];
            var peer = new Peer(NodeProcess.Start(Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"), "sio-peer.mjs", args));
            await peer._process.Output.WaitFor(l => l.StartsWith("{\"connected\"", StringComparison.Ordinal), timeout: TimeSpan.FromSeconds(60), what: "the client to connect");
            return peer;
        }

        public Task SendAsync(object command) => _process.SendAsync(JsonSerializer.Serialize(command));

        public async Task JoinAsync(string room)
        {
            var joined = Received("joined").Count;
            await SendAsync(new { emit = new object[] { "join", room } });
            await WaitForEvent("joined", joined + 1);
        }

        public Task WaitForEvent(string eventName, int count = 1) =>
            _process.Output.WaitFor(l => l.Contains($"\"event\":{JsonSerializer.Serialize(eventName)}", StringComparison.Ordinal), count, what: $"event {eventName}");

        /// <summary>Each <paramref name="eventName"/> received: <c>{"event", "args", "ack"}</c>.</summary>
        public IReadOnlyList<JsonElement> Received(string eventName) =>
            Lines(l => l.TryGetProperty("event", out var e) && e.GetString() == eventName);

        /// <summary>The names of the events received, in order, without the "joined" answers.</summary>
        public IReadOnlyList<string> Events() =>
            [.. Lines(l => l.TryGetProperty("event", out _)).Select(l => l.GetProperty("event").GetString()!).Where(e => e != "joined")];

        private IReadOnlyList<JsonElement> Lines(Func<JsonElement, bool> predicate) =>
            [.. _process.Output.Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).Where(predicate)];

        public ValueTask DisposeAsync() => _process.DisposeAsync();
    }
}
