extern alias sio;

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Step 04's Socket.IO server (RoomsNamespaces.Server) on the raw wire: who receives what for post 001's private,
/// public and broadcast sends and rooms, and its namespaces /goods and /user sharing one connection. The clients
/// are hand-driven WebSockets (<see cref="SocketIOWire"/>), so the snapshots show every frame.
/// </summary>
/// <remarks>
/// Proving that someone did NOT get a message, without sleeping: after each send the SENDER emits a public
/// "marker N" that everyone receives. The server handles one connection's packets in order and queues each
/// emit to every receiver before handling the next packet, so a receiver gets the marker after anything the send
/// gave it: reading each client's frames up to the marker shows exactly what the send delivered.
/// </remarks>
public sealed class SocketIOWireTests
{
    [Fact]
    public async Task Who_receives_private_public_broadcast_and_room_messages()
    {
        await using var app = await StartAsync();
        var scrubber = Scrubber.Default();
        var wire = new Transcript();

        wire.Section("legend: A, B and C are three WebSocket clients; \"A >\" is a frame A sends, \"A <\" one A receives. " +
                     "After each send its sender emits a public marker; every client's frames are read up to that marker, " +
                     "so a client that shows only the marker did not get the message");
        wire.Section("A, B and C connect, WebSocket only: Engine.IO OPEN (0), then Socket.IO CONNECT to \"/\" (40); " +
                     "each socket id is also the name of a room holding just that socket");
        // The server sends CONNECT before its connection handler logs "connected: <id>" (as Node does), so a client
        // can have its CONNECT before that line is written: wait for each one before the next client connects, so the
        // server log lists A, B and C in that order.
        await using var a = await SocketIOWire.OpenAsync(app.BaseAddress, scrubber, "A", wire);
        await a.ConnectNamespaceAsync();
        await app.Log.WaitForText($"connected: {a.Id}");
        await using var b = await SocketIOWire.OpenAsync(app.BaseAddress, scrubber, "B", wire);
        await b.ConnectNamespaceAsync();
        await app.Log.WaitForText($"connected: {b.Id}");
        await using var c = await SocketIOWire.OpenAsync(app.BaseAddress, scrubber, "C", wire);
        await c.ConnectNamespaceAsync();
        await app.Log.WaitForText($"connected: {c.Id}");
        SocketIOWire[] everyone = [a, b, c];
        var markers = 0;

        // One send, then the sender's marker, then what each client got, in the order A, B, C.
        async Task Round(string title, SocketIOWire sender, string eventJson)
        {
            wire.Section(title);
            await sender.EmitWithAckAsync(eventJson);
            var marker = $"marker {++markers}";
            await sender.SendAsync($"42[\"public\",\"{marker}\"]");
            foreach (var client in everyone) await client.ReceiveUntilAsync($"\"msg\":\"{marker}\"");
        }

        // Asks something and reads the acknowledgement (nothing else is in flight at that point).
        async Task Ask(SocketIOWire client, string eventJson)
        {
            var id = await client.EmitWithAckAsync(eventJson);
            var answer = await client.ReceiveAsync();
            Assert.StartsWith($"43{id}[", answer);
        }

        await Round("private, A to B: io.To(B's id).Emit — only B", a, $"[\"private\",\"{b.Id}\",\"hi B\"]");
        await Round("public, from A: io.Emit — everyone, A included", a, "[\"public\",\"hello everyone\"]");
        await Round("broadcast, from A: socket.Broadcast.Emit — everyone but A", a, "[\"broadcast\",\"hello others\"]");

        wire.Section("rooms: A and B join room \"1\", C does not; the ack answers socket.rooms, own id first");
        await Ask(a, "[\"join\",\"1\"]");
        await Ask(b, "[\"join\",\"1\"]");
        await Ask(c, "[\"rooms\"]");
        await Round("room 1, from C (not in it): io.To(\"1\").Emit — A and B, not C", c, "[\"room\",[\"1\"],\"hi room 1\"]");
        await Round("room 1, from A: socket.Broadcast.In(\"1\").Emit — B only (A is the sender)", a, "[\"room-broadcast\",[\"1\"],\"psst room 1\"]");

        wire.Section("B and C join room \"2\": B is now in rooms 1 and 2");
        await Ask(b, "[\"join\",\"2\"]");
        await Ask(c, "[\"join\",\"2\"]");
        await Round("rooms 1 and 2, from A: io.To(\"1\").To(\"2\").Emit — each socket ONCE: B, in both, gets one copy", a,
            "[\"room\",[\"1\",\"2\"],\"to rooms 1 and 2\"]");
        await Round("rooms 1 and 2, from C: socket.Broadcast.In(\"1\").In(\"2\").Emit — A and B once each, not C", c,
            "[\"room-broadcast\",[\"1\",\"2\"],\"from C to rooms 1 and 2\"]");

        wire.Section("B leaves room 1: socket.Leave(\"1\")");
        await Ask(b, "[\"leave\",\"1\"]");
        await Round("room 1 again, from C: only A is left in it", c, "[\"room\",[\"1\"],\"room 1 after B left\"]");

        wire.Section("bad input: each is refused in its ack, goes to nobody, and the connection stays open");
        await Ask(a, "[\"public\",\"\"]");
        await Ask(a, $"[\"public\",\"{new string('x', 201)}\"]");
        await Ask(a, "[\"private\",\"no-such-socket\",\"hello?\"]");
        await Ask(a, $"[\"join\",\"{b.Id}\"]");
        await Ask(a, "[\"room\",[],\"to no room\"]");
        wire.Section("a message that is not text does not fit the typed handler (string msg): the library logs it " +
                     "(see the server log) and skips the handler: no answer (no 4312) ever comes");
        await a.EmitWithAckAsync("[\"public\",{\"not\":\"text\"}]");
        await Round("public from A after all that: everyone still gets it", a, "[\"public\",\"still here\"]");

        wire.Section("server log");
        foreach (var line in app.Log.Lines) wire.Add(line);
        Snapshot.Match(wire.ToString(), scrubber);
    }

    [Fact]
    public async Task Namespaces_goods_and_user_share_one_connection()
    {
        await using var app = await StartAsync();
        var scrubber = Scrubber.Default();
        var wire = new Transcript();

        wire.Section("one WebSocket, one Engine.IO session ({sid1}); CONNECT to /goods and to /user over it — " +
                     "each namespace gives its own socket id (io(\"/goods\") and io(\"/user\") in the browser share this connection)");
        await using var d = await SocketIOWire.OpenAsync(app.BaseAddress, scrubber, "D", wire);
        await d.ConnectNamespaceAsync("/goods");
        await app.Log.WaitForText("goods connected");
        await d.ConnectNamespaceAsync("/user");
        await app.Log.WaitForText("user connected");
        Assert.NotEqual(d.SocketId("/goods"), d.SocketId("/user"));

        async Task Ask(string nsp, string eventJson)
        {
            var id = await d.EmitWithAckAsync(eventJson, nsp);
            var answer = await d.ReceiveAsync();
            Assert.StartsWith($"43{nsp},{id}[", answer);
        }

        wire.Section("events carry their namespace: 42/goods,<ack id>[...]; the answer (43) comes back on the same connection");
        await Ask("/goods", "[\"shoes\",\"270mm\"]");
        await Ask("/goods", "[\"pants\",\"32\"]");
        await Ask("/user", "[\"admin\",\"on\"]");

        wire.Section("each namespace has only its own events: admin sent to /goods gets no answer (the next ack, for pants, comes first)");
        await d.EmitWithAckAsync("[\"admin\",\"on\"]", "/goods");
        await Ask("/goods", "[\"pants\",\"30\"]");

        wire.Section("leaving /goods (41/goods,) keeps the connection and /user");
        await d.SendAsync("41/goods,");
        await Ask("/user", "[\"admin\",\"off\"]");

        wire.Section("bad input: an empty value is refused in the ack");
        await Ask("/user", "[\"admin\",\"\"]");

        wire.Section("server log");
        foreach (var line in app.Log.Lines) wire.Add(line);
        Snapshot.Match(wire.ToString(), scrubber);
    }

    // The real app on a free port; the library's own informational lines (sessions opening, closing) are left out
    // of the log, its warnings kept.
    internal static Task<RunningApp<sio::Program>> StartAsync() =>
        RunningApp<sio::Program>.StartAsync(configure: web => web.ConfigureLogging(logging => logging.AddFilter("Realtime", LogLevel.Warning)));
}
