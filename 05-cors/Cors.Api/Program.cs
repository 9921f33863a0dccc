// Step 05, posts 000/001/004: an API on port 8080 (REST + Socket.IO) called by a page from ANOTHER origin
// (Cors.Web on port 3000). Cors:Mode picks what the server allows, so the browser's refusals can be seen one by one:
//   none              no CORS at all                  → fetch blocked, socket (polling) blocked
//   http              CORS policy on /api only        → fetch works, socket (polling) still blocked
//   both (default)    + the Socket.IO server's cors   → everything works; foreign origins are refused
//   star-credentials  post 000's "*" + credentials    → the browser refuses every request with cookies
using Cors.Api;
using Realtime.EngineIO;
using Realtime.SocketIO;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8080);                   // the post's app.listen(8080), unless --urls says otherwise
var cors = CorsSettings.From(builder.Configuration);

// HTTP: like app.use(cors(...)) in Express, but as a named policy put on /api only (see below).
builder.Services.AddCors(o => o.AddPolicy("page", policy => policy
    .WithOrigins(cors.Origins)                             // exact origins: scheme + host + port, never "*" here
    .WithMethods("GET", "POST")
    .WithHeaders("Content-Type")                           // JSON bodies make the browser send a preflight
    .AllowCredentials()));                                 // cookies: needs an explicit origin

// Socket.IO: require("socket.io")(server, { cors: { origin: "http://localhost:3000", credentials: true } })
builder.Services.AddSocketIO(o =>
{
    if (cors.Mode == CorsMode.Both)
    {
        o.Cors = new EngineCorsOptions { Origins = cors.Origins, Credentials = true, Methods = ["GET", "POST"] };
        o.AllowRequest = context => OriginCheck.AllowAsync(context, cors);   // refuse foreign pages before any session
    }
    else if (cors.Mode == CorsMode.StarCredentials)
    {
        o.Cors = new EngineCorsOptions { Origins = ["*"], Credentials = true, Methods = ["GET", "POST"] };
    }
});

var app = builder.Build();
var log = app.Logger;
app.Logger.LogInformation("Cors:Mode = {Mode}, Cors:Origins = {Origins}", cors.Mode, string.Join(", ", cors.Origins));
if (cors.Mode == CorsMode.StarCredentials)
{
    app.Use(StarCorsMiddleware.Invoke);                    // post 000's hand-written headers (the mistake)
}
app.UseCors();                                             // applies the policies endpoints ask for

var api = app.MapGroup("/api");
if (cors.Mode is CorsMode.Http or CorsMode.Both)
{
    api.RequireCors("page");                               // only /api: Socket.IO answers its own requests
}
api.MapGet("/posts", () => new { posts = Posts.All });     // a "simple" GET: no preflight
api.MapPost("/echo", (EchoRequest body) => new { echo = body.Text });   // JSON body: preflight first
api.MapPost("/login", (LoginRequest body, HttpResponse response) =>
{
    var name = string.IsNullOrWhiteSpace(body.Name) ? "guest" : body.Name.Trim();
    response.Cookies.Append(Visitor.CookieName, name, new() { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
    return new { name };
});
api.MapGet("/me", (HttpRequest request) => Visitor.FromCookieHeader(request.Headers.Cookie) is { } name
    ? Results.Ok(new { name })
    : Results.Json(new { error = "no visitor cookie" }, statusCode: StatusCodes.Status401Unauthorized));
app.MapGet("/", () => "Step 05 API: /api/posts, /api/echo, /api/login, /api/me and Socket.IO at /socket.io. " +
                      "Open the page at http://localhost:3000 (Cors.Web).");

var io = app.MapSocketIO("/socket.io").Server;             // also serves /socket.io/socket.io.js
io.On("connection", socket =>
{
    var origin = socket.Handshake.Headers.Origin.ToString();
    var visitor = Visitor.FromCookieHeader(socket.Handshake.Headers.Cookie);
    log.LogInformation("Client connected ({Transport}, origin {Origin}, visitor {Visitor})",
        socket.Conn.Transport, origin, visitor ?? "-");
    socket.Emit("welcome", new { message = "Client connected", transport = socket.Conn.Transport, origin, visitor });
    socket.On("disconnect", (string reason) => log.LogInformation("Client disconnected ({Reason})", reason));
});

app.Run();
