// Step 04, the SignalR counterpart: post 001's private/public/broadcast sends and rooms (groups here), its namespaces
// /goods and /user (hubs here), and post 003's chat, each hub in Hubs/. The Socket.IO versions use port 5000 (channels)
// and 3000 (the chat); this one 3001.
using RoomsNamespaces.SignalR.Hubs;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 3001);
// One server by default. Several servers share one Redis (--Redis=127.0.0.1:6379): each publishes its sends there, so
// Clients.All and Clients.Group(...) reach the clients of every server (SIGNALR.md, "More than one server").
var signalR = builder.Services.AddSignalR();
if (builder.Configuration["Redis"] is { Length: > 0 } redis)
{
    signalR.AddStackExchangeRedis(redis);
}
builder.Services.AddSingleton<GroupTracker>();

var app = builder.Build();
app.UseDefaultFiles();    // "/" → index.html, "/room" → room/index.html
app.UseStaticFiles();     // the pages and /lib/signalr.min.js
app.MapHub<ChannelsHub>("/channels");
app.MapHub<GoodsHub>("/goods");   // io.of("/goods")
app.MapHub<UserHub>("/user");     // io.of("/user")
app.MapHub<ChatHub>("/chat");

// Post 003's `Server is connected on ${port}`, with the port really bound.
app.OnListening(on => app.Logger.LogInformation("Server is connected on {Port}", on.Port));
app.Run();
