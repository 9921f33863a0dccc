using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// Rooms and broadcasts with real sockets. "Nothing else arrived" is proven without waiting: after the broadcast
/// under test, everyone gets a final "end" event, and the frames before it are exactly what was expected.
/// </summary>
public class RoomsTests
{
    private static Task<SocketIOTestHost> StartAsync(Action<SocketIOServer>? configure = null) => SocketIOTestHost.StartWithDefaultsAsync(io =>
    {
        io.On("connection", socket =>
        {
            socket.On("join", (string[] rooms) => { socket.Join(rooms); return socket.Rooms.ToArray(); });
            socket.On("leave", (string room) => { socket.Leave(room); return socket.Rooms.ToArray(); });
            socket.On("shout", (string text) => socket.Broadcast.Emit("shouted", text));
            socket.On("to-room", (string room, string text) => socket.To(room).Emit("room-message", text));
            socket.On("to-all", (string text) => io.Emit("everyone", text));
        });
        configure?.Invoke(io);
    });

    private sealed record Client(WsWire Wire, string Id);

    private static async Task<Client[]> ConnectAsync(SocketIOTestHost server, int count)
    {
        var clients = new Client[count];
        for (var i = 0; i < count; i++)
        {
            var (wire, id) = await WsWire.ConnectMainAsync(server.BaseAddress);
            clients[i] = new Client(wire, id);
        }
        return clients;
    }

    private static async Task<string> JoinAsync(Client client, params string[] rooms)
    {
        await client.Wire.SendAsync($"421[\"join\",{System.Text.Json.JsonSerializer.Serialize(rooms)}]");
        var ack = await client.Wire.ReceiveTextAsync();
        Assert.StartsWith("431[", ack);
        return ack;
    }

    /// <summary>Sends "end" to everyone and returns, per client, the frames received before it.</summary>
    private static async Task<List<string>[]> UntilEndAsync(SocketIOTestHost server, Client[] clients)
    {
        server.IO.Emit("end");
        var result = new List<string>[clients.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            result[i] = [];
            while (true)
            {
                var text = await clients[i].Wire.ReceiveTextAsync();
                if (text == """42["end"]""") break;
                result[i].Add(text);
            }
        }
        return result;
    }

    private static async Task DisposeAsync(Client[] clients)
    {
        foreach (var c in clients) await c.Wire.DisposeAsync();
    }

    [Fact]
    public async Task Rooms_hold_the_socket_id_first_then_the_joined_rooms_in_order()
    {
        await using var server = await StartAsync();
        var clients = await ConnectAsync(server, 1);
        try
        {
            var id = clients[0].Id;
            Assert.Equal($"""431[["{id}","room2","room1"]]""", await JoinAsync(clients[0], "room2", "room1", "room2"));
            await clients[0].Wire.SendAsync("""422["leave","room2"]""");
            Assert.Equal($"""432[["{id}","room1"]]""", await clients[0].Wire.ReceiveTextAsync());
        }
        finally { await DisposeAsync(clients); }
    }

    [Fact]
    public async Task To_chains_reach_each_socket_once_and_except_removes_sockets()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 4);
        try
        {
            await JoinAsync(c[0], "r1");
            await JoinAsync(c[1], "r1", "r2");
            await JoinAsync(c[2], "r2", "r3");
            // c[3] is in no room
            server.IO.To("r1").To("r2").Except("r3").Emit("hello", 1);
            server.IO.In(["r2", "r3"]).Emit("second");
            var got = await UntilEndAsync(server, c);
            Assert.Equal(["""42["hello",1]"""], got[0]);
            Assert.Equal(["""42["hello",1]""", """42["second"]"""], got[1]);
            Assert.Equal(["""42["second"]"""], got[2]);
            Assert.Empty(got[3]);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task Broadcast_excludes_the_sender_and_io_emit_includes_it()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 3);
        try
        {
            await c[0].Wire.SendAsync("""42["shout","hi all"]""");
            await c[0].Wire.SendAsync("""42["to-all","public"]""");
            // Both handlers ran once "public" reached the sender itself.
            Assert.Equal("""42["everyone","public"]""", await c[0].Wire.ReceiveTextAsync());
            var got = await UntilEndAsync(server, c);
            Assert.Empty(got[0]);
            Assert.Equal(["""42["shouted","hi all"]""", """42["everyone","public"]"""], got[1]);
            Assert.Equal(["""42["shouted","hi all"]""", """42["everyone","public"]"""], got[2]);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task Socket_to_a_room_excludes_the_sender_even_when_it_is_in_the_room()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 3);
        try
        {
            await JoinAsync(c[0], "chat");
            await JoinAsync(c[1], "chat");
            await c[0].Wire.SendAsync("""421["to-room","chat","안녕"]""");
            await c[0].Wire.SendAsync("""42["to-all","sync"]""");
            Assert.Equal("""42["everyone","sync"]""", await c[0].Wire.ReceiveTextAsync());
            var got = await UntilEndAsync(server, c);
            Assert.Empty(got[0]);
            Assert.Equal(["""42["room-message","안녕"]""", """42["everyone","sync"]"""], got[1]);
            Assert.Equal(["""42["everyone","sync"]"""], got[2]);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task A_socket_id_is_a_room_for_private_messages()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 2);
        try
        {
            server.IO.To(c[1].Id).Emit("whisper", "only you");
            var got = await UntilEndAsync(server, c);
            Assert.Empty(got[0]);
            Assert.Equal(["""42["whisper","only you"]"""], got[1]);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task Fetch_join_leave_and_disconnect_sockets_by_room()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 3);
        try
        {
            await JoinAsync(c[0], "a");
            await JoinAsync(c[1], "a", "b");
            Assert.Equal(new[] { c[0].Id, c[1].Id }.Order(), (await server.IO.In("a").FetchSocketsAsync()).Select(s => s.Id).Order());
            Assert.Equal(3, (await server.IO.FetchSocketsAsync()).Count);

            server.IO.In("b").SocketsJoin("c");
            Assert.Equal([c[1].Id], (await server.IO.In("c").FetchSocketsAsync()).Select(s => s.Id));
            server.IO.SocketsLeave("a");
            Assert.Empty(await server.IO.In("a").FetchSocketsAsync());

            server.IO.In("c").DisconnectSockets();
            Assert.Equal("41", await c[1].Wire.ReceiveTextAsync());
            Assert.Equal(2, (await server.IO.FetchSocketsAsync()).Count);
            Assert.DoesNotContain("c", ((InMemorySocketIOAdapter)server.IO.Sockets.Adapter).Rooms);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task A_disconnected_socket_leaves_its_rooms()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 2);
        try
        {
            await JoinAsync(c[0], "gone");
            var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.IO.Sockets.Sockets[c[0].Id].On("disconnect", () => left.TrySetResult());
            await c[0].Wire.SendAsync("41");
            await Realtime.Testing.Wait.For(left.Task, "the disconnect");
            var adapter = (InMemorySocketIOAdapter)server.IO.Sockets.Adapter;
            Assert.DoesNotContain("gone", adapter.Rooms);
            Assert.DoesNotContain(c[0].Id, adapter.Rooms);
            Assert.Empty(await server.IO.In("gone").FetchSocketsAsync());
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task Rooms_are_per_namespace()
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(io => io.Of("/goods").On("connection", s => { s.Join("shoes"); joined.TrySetResult(); }));
        var c = await ConnectAsync(server, 1);
        try
        {
            await c[0].Wire.SendAsync("40/goods,");
            Assert.StartsWith("40/goods,", await c[0].Wire.ReceiveTextAsync());
            await Realtime.Testing.Wait.For(joined.Task, "the join"); // the connection handler runs after CONNECT is sent
            server.IO.To("shoes").Emit("main-shoes");      // main namespace: nobody in "shoes"
            server.IO.Of("/goods").To("shoes").Emit("270"); // /goods: the socket
            var got = await UntilEndAsync(server, c);
            Assert.Equal(["""42/goods,["270"]"""], got[0]);
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task A_broadcast_is_encoded_once_for_all_receivers()
    {
        await using var server = await StartAsync();
        var c = await ConnectAsync(server, 3);
        try
        {
            using var encoded = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
                server.Services.GetRequiredService<IMeterFactory>(), "Realtime.SocketIO", "socketio.server.packets.encoded");
            server.IO.Emit("news", "shared", new byte[] { 1, 2, 3 });
            foreach (var client in c)
            {
                Assert.Equal("""451-["news","shared",{"_placeholder":true,"num":0}]""", await client.Wire.ReceiveTextAsync());
                Assert.Equal([1, 2, 3], await client.Wire.ReceiveBinaryAsync());
            }
            Assert.Equal(1, encoded.GetMeasurementSnapshot().Sum(m => m.Value));
        }
        finally { await DisposeAsync(c); }
    }

    [Fact]
    public async Task Emits_from_other_threads_while_messages_arrive_are_all_delivered()
    {
        await using var server = await SocketIOTestHost.StartConformanceAsync();
        var (wire, id) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var _ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        const int perThread = 200;
        var emitters = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++) server.IO.To(id).Emit("tick", t, i);
        })).ToArray();
        for (var i = 0; i < perThread; i++) await wire.SendAsync($"[\"message\",{i}]".Insert(0, "42"));
        await Task.WhenAll(emitters);

        var ticks = new Dictionary<int, int>();
        var echoes = 0;
        while (echoes < perThread || ticks.Values.Sum() < 4 * perThread)
        {
            var text = await wire.ReceiveTextAsync();
            if (text.StartsWith("42[\"message-back\"")) { Assert.Equal($"42[\"message-back\",{echoes}]", text); echoes++; continue; }
            var parts = System.Text.Json.JsonDocument.Parse(text[2..]).RootElement;
            var thread = parts[1].GetInt32();
            ticks.TryGetValue(thread, out var next);
            Assert.Equal(next, parts[2].GetInt32()); // each thread's emits stay in order
            ticks[thread] = next + 1;
        }
    }
}
