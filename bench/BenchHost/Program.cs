// The benchmark host: the harness's four events (/work/shared/bench/README.md "What a server under test must
// implement") on the library's default options, like the reference node-server.js. Nothing is logged per message.
using System.Text.Json;
using Realtime.SocketIO;
using Realtime.SocketIO.AdminUI;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning); // logging must not skew the CPU figures
// Optional: connection state recovery (--ConnectionStateRecovery=true), default options (2 min, skip middlewares),
// to measure what the offsets and the kept packets cost (../README.md, "Connection state recovery").
var socketIO = builder.Services.AddSocketIO(o =>
{
    if (builder.Configuration.GetValue<bool>("ConnectionStateRecovery")) o.ConnectionStateRecovery = new();
});
// Optional: join a cluster through Redis (--Redis=127.0.0.1:6379), with the adapter's default options, so that a C#
// and a Node server (node-server.js with @socket.io/redis-adapter) or two of each can be measured together.
if (builder.Configuration["Redis"] is { Length: > 0 } redis)
    socketIO.AddRedisAdapter(redis);
// Optional (off by default, measured in ../README.md): run socket completions and Kestrel's pipe continuations on the
// I/O thread instead of hopping to the thread pool. Only safe because no handler here ever blocks.
if (builder.Configuration.GetValue<bool>("Bench:InlineScheduling"))
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
var app = builder.Build();

var io = app.MapSocketIO().Server;
io.On("connection", socket =>
{
    // echo(payload, ack) → ack(payload): the JsonElement goes back as it came, never re-serialized through a type.
    // Binary is the exception: args[0] would be its placeholder ({"_placeholder":true,"num":0}), so a payload with
    // attachments goes back through ToArray(), which puts the bytes back in place (they leave as attachments again).
    socket.On("echo", (SocketIOArgs args) => args.Ack?.Invoke(
        args.Count == 0 ? null : args.Attachments.Count == 0 ? args[0] : args.ToArray()[0]));

    // join(room, ack) → socket.join(room); ack(true)
    socket.On("join", (SocketIOArgs args) =>
    {
        if (args.Count > 0) socket.Join(RoomOf(args[0]));
        args.Ack?.Invoke(true);
    });

    // chat(msg) → io.to(msg.room).emit("chat", msg): the same object
    socket.On("chat", (JsonElement msg) =>
    {
        if (msg.ValueKind == JsonValueKind.Object && msg.TryGetProperty("room", out var room))
            io.To(RoomOf(room)).Emit("chat", msg);
    });

    // broadcast(payload) → io.emit("news", payload)
    socket.On("broadcast", (JsonElement payload) => io.Emit("news", payload));
});

// Optional: the admin dashboard's namespace (--Admin=Production or --Admin=Development), open, to measure what
// io.Instrument() costs a server whose dashboard is not connected (../README.md, "The admin dashboard's cost").
if (builder.Configuration["Admin"] is { Length: > 0 } adminMode)
{
    io.Instrument(o =>
    {
        o.Auth = SocketIOAdminAuth.Disabled;
        o.Mode = Enum.Parse<SocketIOAdminMode>(adminMode, ignoreCase: true);
    });
}

app.Run();

// Node's String(room): a string as is, anything else as its JSON text.
static string RoomOf(JsonElement room) => room.ValueKind == JsonValueKind.String ? room.GetString()! : room.GetRawText();
