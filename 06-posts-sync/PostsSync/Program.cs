// Step 06 (post 000, "추가 POST 요청 동기화"): the course's REST feed (sign-up, login, posts with images, pages of 2)
// whose every change is pushed to every open page with Socket.IO: io.emit("posts", { action, post }).
using Microsoft.AspNetCore.Identity;
using PostsSync;
using PostsSync.Data;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8080);                   // app.listen(8080), unless --urls says otherwise
builder.Services.AddPostsStorage(builder.Configuration);   // SQLite file + image folder (Storage.cs, ImageStore.cs)
builder.Services.AddPostsAuth();                           // JWT bearer tokens, 1 h (Tokens.cs)
builder.Services.AddSignInRateLimit();                     // 10 sign-ups/logins a minute per address (AuthEndpoints.cs)
builder.Services.AddSingleton<PasswordHasher<User>>();     // salted PBKDF2, the course's bcrypt
builder.Services.AddSocketIO();                            // one SocketIOServer for the app, injectable as `io`
builder.Services.AddSingleton<SocketAuth>();               // the socket's is-auth: the same JWT in the handshake
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);   // bad JSON → { message, data }

var app = builder.Build();
app.EnsureStorageCreated();                                // data/posts.db on first run

app.UseApiErrors();                                        // errors as { message, data } (ApiErrors.cs)
app.UseDefaultFiles();
app.UseStaticFiles();                                      // the page: wwwroot/index.html
app.UseUploadedImages();                                   // /images/<generated name>
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

// require("socket.io")(server): Socket.IO on the same port as the API, at /socket.io (and /socket.io/socket.io.js).
// The feed needs a token, so its live copy does too: the page connects with io({ auth: { token } }) and sockets
// without a valid one are refused (SocketAuth.cs), so io.Emit("posts", ...) reaches signed-in users only.
var io = app.MapSocketIO("/socket.io").Server;
io.Use(app.Services.GetRequiredService<SocketAuth>().AuthenticateAsync);
io.On("connection", socket => app.Logger.LogInformation("Client connected"));

app.MapAuthEndpoints();                                    // /auth/signup, /auth/login, /auth/status
app.MapFeedEndpoints();                                    // /feed/posts, /feed/post[/{postId}]; each change → io.Emit("posts", ...)

app.OnListening(on => app.Logger.LogInformation("PostsSync: open {Urls}", on.Urls));
app.Run();
