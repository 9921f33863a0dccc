// Step 07: the book's GIF chat (Node.js 교과서 §12.4–12.7, ZeroCho/nodejs-book ch12/12.7/gif-chat) in ASP.NET Core:
// Razor Pages for the lobby and the rooms, SQLite for rooms and chats, a cookie session whose colour is your name,
// and Socket.IO namespaces /room (the lobby's live list) and /chat (one Socket.IO room per chat room).
using System.Text.Unicode;
using GifChat;
using GifChat.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.WebEncoders;
using Realtime.SocketIO.AdminUI;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8005);                 // app.set('port', process.env.PORT || 8005)
var settings = builder.Configuration.GetSection(GifChatOptions.Section);
builder.Services.Configure<GifChatOptions>(settings);
var database = Path.Combine(builder.Environment.ContentRootPath, settings.Get<GifChatOptions>()?.Database ?? new GifChatOptions().Database);
builder.Services.AddDbContextFactory<ChatDb>(o => o.UseSqlite($"Data Source={database}"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<RoomStore>().AddSingleton<GifFiles>().AddSingleton<RoomPresence>();
// SocketIOServer in DI: the book's app.set('io', io). With connection state recovery on, a phone that goes through a
// tunnel and is back within 2 minutes keeps its socket (same id, same room) and gets the chats it missed.
builder.Services.AddSocketIO(o => o.ConnectionStateRecovery = new());
builder.Services.AddSingleton<ChatEvents>().AddSingleton<ChatSockets>();

// express-session: a cookie with a random key, the data on the server (memory, like express-session's default store).
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession(o =>
{
    o.Cookie.Name = "gifchat.sid";
    o.Cookie.HttpOnly = true;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;   // Secure when served over HTTPS
    o.IdleTimeout = TimeSpan.FromHours(12);
});
builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
builder.Services.AddPasswordRateLimit();                    // room passwords: 10 tries a minute per address (ChatGuards.cs)
builder.Services.AddRazorPages();
builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new(UnicodeRanges.All));   // Korean stays readable in the HTML

var app = builder.Build();
await app.Services.CreateDatabaseAsync(database);

// The book's 404 handler (post 002's app.js, as in step 02): `${req.method} ${req.url} 라우터가 존재하지 않습니다.`,
// status 404. Plain text here, not the book's error page (and nosniff, since it echoes the URL).
app.UseStatusCodePages(async c =>
{
    var (request, response) = (c.HttpContext.Request, c.HttpContext.Response);
    if (response.StatusCode == StatusCodes.Status404NotFound)
    {
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        await response.WriteAsync($"{request.Method} {request.Path}{request.QueryString} 라우터가 존재하지 않습니다.");
    }
});
app.UseStaticFiles();                                       // wwwroot: main.css, lobby.js, chat.js
app.UseStaticFiles(new StaticFileOptions                    // app.use('/gif', express.static('uploads'))
{
    RequestPath = "/gif",
    FileProvider = new PhysicalFileProvider(app.Services.GetRequiredService<GifFiles>().Folder),
    OnPrepareResponse = c => c.Context.Response.Headers.XContentTypeOptions = "nosniff",
});
app.UseRateLimiter();
app.UseSession();
// Every page visitor gets a colour. Socket.IO's requests are left alone: ChatSockets reads their session itself,
// from the cookie that comes with the handshake (SocketSession: the book's wrap(sessionMiddleware)).
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/socket.io"), a => a.Use(Visitor.GiveColorAsync));
app.MapRazorPages();                                        // GET /, GET|POST /room, GET|POST /room/{id}
app.MapChatEndpoints();                                     // POST /room/{id}/chat, POST /room/{id}/gif
// The sockets trust the session cookie, so only this site's pages may open them: the WebSocket Origin check.
var io = app.MapSocketIO("/socket.io", o => o.Cors = ChatGuards.AllowedOrigins(app)).Server;   // also serves /socket.io/socket.io.js
app.Services.GetRequiredService<ChatSockets>().Map(new SocketSession(app));        // socket.js
// The official Socket.IO Admin UI at /admin/: who is in the lobby and in each room, and every chat event, live.
// `dotnet run` is Development (Properties/launchSettings.json): it opens without a password. Anywhere else it needs
// Admin:PasswordHash, a bcrypt hash, from configuration, or the server refuses to start.
io.Instrument(o =>
{
    if (app.Configuration["Admin:PasswordHash"] is { Length: > 0 } hash) o.Auth = SocketIOAdminAuth.Basic("admin", hash);
});
app.MapSocketIOAdminUI();

app.OnListening(on => app.Logger.LogInformation("{Port} 번 포트에서 대기 중", on.Port));   // app.listen(app.get('port'), ...)
app.Run();
