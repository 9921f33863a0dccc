using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// Connection state recovery with the official Node client (node/sio-recovery.mjs): the client joins "뉴스방", gets
/// one room message, then loses its WebSocket (or says goodbye); while it is away the server sends to the room, to
/// another room and to all; an observer socket learns when the server has handled the loss, then the client connects again.
/// </summary>
public sealed class RecoveryTests
{
    private const string Room = "뉴스방";

    [Fact]
    public async Task After_a_transport_loss_the_client_recovers_its_id_rooms_data_and_the_missed_room_messages_in_order()
    {
        var server = new State();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => Configure(io, server), o => o.ConnectionStateRecovery = new());

        var lines = await NodeScript.RunAsync("sio-recovery.mjs", [host.BaseAddress.ToString(), "drop"]);

        var all = string.Join("\n", lines);
        var connects = lines.Where(l => Is(l, "connect")).ToList();
        Assert.Equal(2, connects.Count);
        Assert.False(connects[0].GetProperty("recovered").GetBoolean());
        Assert.True(connects[1].GetProperty("recovered").GetBoolean(), all);
        var id = connects[0].GetProperty("id").GetString()!;
        Assert.Equal(id, connects[1].GetProperty("id").GetString());
        Assert.Equal("transport close", lines.First(l => Is(l, "disconnect")).GetProperty("reason").GetString());
        Assert.Equal("transport close", Single(lines, "handled").GetProperty("reason").GetString());

        // What the client saw after the loss: the messages its rooms got while it was away, in order (not the other
        // room's), delivered before "connect" fires (Node's client buffers them until CONNECT); then the server's welcome.
        var afterLoss = lines.SkipWhile(l => !Is(l, "handled")).Skip(1).TakeWhile(l => !Is(l, "disconnect")).Select(Describe).ToList();
        Assert.Equal(["news missed 1", "news missed 2 (to all)", "news missed 3", $"connect {id} recovered", "back"], afterLoss);
        var back = lines.Last(l => Is(l, "back"));
        Assert.True(back.GetProperty("recovered").GetBoolean());
        Assert.Equal("김철수", back.GetProperty("name").GetString());              // socket.Data came back
        Assert.Equal([id, Room], back.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal(1, server.SessionsWhileAway);
    }

    [Fact]
    public async Task A_session_older_than_MaxDisconnectionDuration_is_dropped_with_its_messages_and_not_recovered()
    {
        // A manual clock: the server's purge runs on it. Pings are pushed far away so that advancing it does not
        // time out the observer's heartbeat.
        var clock = new FakeTimeProvider();
        var server = new State { WhileAway = () => clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromMinutes(1)) };
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => Configure(io, server), o =>
        {
            o.ConnectionStateRecovery = new() { MaxDisconnectionDuration = TimeSpan.FromMinutes(2) };
            o.PingInterval = o.PingTimeout = TimeSpan.FromHours(1);
        }, host: builder => builder.Services.AddSingleton<TimeProvider>(clock));

        var lines = await NodeScript.RunAsync("sio-recovery.mjs", [host.BaseAddress.ToString(), "drop"]);

        var all = string.Join("\n", lines);
        // The periodic purge dropped the session and every kept message: memory does not grow with the clients that never come back.
        Assert.True(1 == server.SessionsWhileAway, all);
        Assert.Equal(0, server.SessionsAfterPurge);
        Assert.Equal(0, server.PacketsAfterPurge);
        var connects = lines.Where(l => Is(l, "connect")).ToList();
        Assert.False(connects[1].GetProperty("recovered").GetBoolean(), all);
        Assert.NotEqual(connects[0].GetProperty("id").GetString(), connects[1].GetProperty("id").GetString());
        Assert.DoesNotContain(lines, l => Is(l, "news") && l.GetProperty("text").GetString()!.StartsWith("missed", StringComparison.Ordinal));
        var back = lines.Last(l => Is(l, "back"));
        Assert.False(back.GetProperty("recovered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task A_recovered_socket_skips_the_namespace_middlewares_unless_SkipMiddlewares_is_false(bool skip, int runs)
    {
        var server = new State();
        var middlewareRuns = 0;
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            io.Use(socket =>
            {
                if (!socket.Handshake.Auth.TryGetProperty("observer", out _)) Interlocked.Increment(ref middlewareRuns);
                return Task.CompletedTask;
            });
            Configure(io, server);
        }, o => o.ConnectionStateRecovery = new() { SkipMiddlewares = skip });

        var lines = await NodeScript.RunAsync("sio-recovery.mjs", [host.BaseAddress.ToString(), "drop"]);

        var connects = lines.Where(l => Is(l, "connect")).ToList();
        Assert.True(connects[1].GetProperty("recovered").GetBoolean(), string.Join("\n", lines));
        Assert.Equal(runs, middlewareRuns);
    }

    [Fact]
    public async Task A_client_that_disconnects_on_purpose_is_not_persisted()
    {
        var server = new State();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => Configure(io, server), o => o.ConnectionStateRecovery = new());

        var lines = await NodeScript.RunAsync("sio-recovery.mjs", [host.BaseAddress.ToString(), "goodbye"]);

        var all = string.Join("\n", lines);
        Assert.Equal("client namespace disconnect", Single(lines, "handled").GetProperty("reason").GetString());
        Assert.Equal(0, server.SessionsWhileAway);
        var connects = lines.Where(l => Is(l, "connect")).ToList();
        Assert.False(connects[1].GetProperty("recovered").GetBoolean(), all);
        Assert.NotEqual(connects[0].GetProperty("id").GetString(), connects[1].GetProperty("id").GetString());
        Assert.DoesNotContain(lines, l => Is(l, "news") && l.GetProperty("text").GetString()!.StartsWith("missed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_an_adapter_that_cannot_restore_sessions_the_server_warns_and_the_client_comes_back_as_a_new_socket()
    {
        var server = new State();
        var recorder = new LogRecorder();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => Configure(io, server), o =>
        {
            o.ConnectionStateRecovery = new();
            o.AdapterFactory = nsp => new InMemorySocketIOAdapter(nsp);   // as a multi-server adapter (Redis) is
        }, host: recorder.AddTo);

        var lines = await NodeScript.RunAsync("sio-recovery.mjs", [host.BaseAddress.ToString(), "drop"]);

        var warning = Assert.Single(recorder.Of("RecoveryUnsupported"));
        Assert.Contains("InMemorySocketIOAdapter", warning.Message);
        var connects = lines.Where(l => Is(l, "connect")).ToList();
        Assert.False(connects[1].GetProperty("recovered").GetBoolean());
        Assert.NotEqual(connects[0].GetProperty("id").GetString(), connects[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_connect_answer_carries_a_pid_only_when_recovery_is_on()
    {
        await using var on = await SocketIOTestHost.StartWithDefaultsAsync(options: o => o.ConnectionStateRecovery = new());
        await using var off = await SocketIOTestHost.StartWithDefaultsAsync();

        Assert.Matches("^40\\{\"sid\":\"[\\w-]{20}\",\"pid\":\"[\\w-]{20}\"\\}$", await ConnectAnswerAsync(on));
        Assert.Matches("^40\\{\"sid\":\"[\\w-]{20}\"\\}$", await ConnectAnswerAsync(off));
    }

    private static async Task<string> ConnectAnswerAsync(SocketIOTestHost host)
    {
        var (wire, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using (wire)
        {
            await wire.SendAsync("40");
            return await wire.ReceiveTextAsync();
        }
    }

    /// <summary>The server side of the script; <paramref name="state"/> records what the adapter kept.</summary>
    private static void Configure(SocketIOServer io, State state)
    {
        io.OnConnection(socket =>
        {
            if (socket.Handshake.Auth.TryGetProperty("observer", out _))
            {
                socket.Join("observers");
                return;
            }
            socket.Emit("back", new { recovered = socket.Recovered, name = socket.Data.GetValueOrDefault("name"), rooms = socket.Rooms.ToArray() });
            socket.On<string>("join", (room, ack) =>
            {
                socket.Join(room);
                socket.Data["name"] = "김철수";
                io.To(room).Emit("news", "before");
                ack("ok");
            });
            socket.On<string>("disconnect", reason =>
            {
                if (Interlocked.Exchange(ref state.Lost, 1) == 1) return;   // only the first loss (the script's end closes too)
                var sessions = io.Sockets.Adapter as SessionAwareSocketIOAdapter;
                state.SessionsWhileAway = sessions?.SessionCount ?? -1;
                io.To(Room).Emit("news", "missed 1");
                io.To("다른방").Emit("news", "not for you");
                io.Emit("news", "missed 2 (to all)");
                io.To(Room).Except("observers").Emit("news", "missed 3");
                io.To(Room).Except(Room).Emit("news", "not for you either");
                state.WhileAway?.Invoke();
                state.SessionsAfterPurge = sessions?.SessionCount ?? -1;
                state.PacketsAfterPurge = sessions?.KeptPacketCount ?? -1;
                io.To("observers").Emit("handled", reason);
            });
        });
    }

    private static bool Is(JsonElement line, string eventName) => line.GetProperty("event").GetString() == eventName;

    private static JsonElement Single(IEnumerable<JsonElement> lines, string eventName) => lines.Single(l => Is(l, eventName));

    private static string Describe(JsonElement line) => line.GetProperty("event").GetString() switch
    {
        "news" => "news " + line.GetProperty("text").GetString(),
        "connect" => $"connect {line.GetProperty("id").GetString()} {(line.GetProperty("recovered").GetBoolean() ? "recovered" : "new")}",
        var other => other!,
    };

    private sealed class State
    {
        public int Lost;
        public Action? WhileAway { get; init; }
        public int SessionsWhileAway { get; set; } = -1;
        public int SessionsAfterPurge { get; set; } = -1;
        public int PacketsAfterPurge { get; set; } = -1;
    }
}
