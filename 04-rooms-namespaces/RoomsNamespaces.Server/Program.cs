// Step 04 (post 001 "통신 종류" and "네임스페이스"): who receives an emit. The main namespace "/" shows private,
// public and broadcast sends and rooms (ChannelEvents.cs); "/goods" and "/user" are post 001's namespaces, which the
// page opens over the SAME connection as "/". Open http://localhost:5000 in two or three windows.
using Realtime.SocketIO;
using RoomsNamespaces.Server;
using Realtime.SocketIO.AdminUI;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 5000);                   // new Server("5000"), unless --urls says otherwise
builder.Services.AddSocketIO();

var app = builder.Build();
app.UseDefaultFiles();                                     // "/" → wwwroot/index.html
app.UseStaticFiles();

var io = app.MapSocketIO("/socket.io").Server;             // also serves /socket.io/socket.io.js
var log = app.Logger;

// The main namespace "/": private, public, broadcast, rooms.
io.On("connection", socket => ChannelEvents.Attach(io, socket, log));

// 1: io.of("/goods") — a namespace is a separate space of events on the same server (and the same connection).
io.Of("/goods").On("connection", socket =>
{
    log.LogInformation("goods connected");
    // The post left these handlers empty; here each answers the client's callback (an ack) with what it got.
    socket.On("shoes", (string res) => Received(socket, "shoes", res));
    socket.On("pants", (string res) => Received(socket, "pants", res));
});

// 2: io.of("/user")
io.Of("/user").On("connection", socket =>
{
    log.LogInformation("user connected");
    socket.On("admin", (string res) => Received(socket, "admin", res));
});

// The official Socket.IO Admin UI at /admin/: every socket, its rooms and the events, live. `dotnet run` is
// Development (Properties/launchSettings.json): the dashboard opens without a password. Anywhere else it needs
// Admin:PasswordHash, a bcrypt hash, from configuration, or the server refuses to start.
io.Instrument(o =>
{
    if (builder.Configuration["Admin:PasswordHash"] is { Length: > 0 } hash) o.Auth = SocketIOAdminAuth.Basic("admin", hash);
});
app.MapSocketIOAdminUI();

app.OnListening(on => log.LogInformation("listening on {Urls}", on.Urls));
app.Run();

// What a namespace handler answers: the namespace, the event and the data, so the page shows where it landed.
object Received(SocketIOSocket socket, string eventName, string res)
{
    if (string.IsNullOrWhiteSpace(res) || res.Length > 100) return new { error = "send 1 to 100 characters" };
    log.LogInformation("{Namespace} {Event}: {Res}", socket.Nsp.Name, eventName, res);
    return new { nsp = socket.Nsp.Name, @event = eventName, res };
}
