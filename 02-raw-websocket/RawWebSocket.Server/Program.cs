// Step 02: one ASP.NET Core server on port 8005 serves the page AND speaks WebSocket on the same port,
// like the book's app.js + socket.js (Node.js 교과서 §12.2, the `ws` module sharing Express's server).
using RawWebSocket.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

// app.set("port", process.env.PORT || 8005): the post's port, unless --urls / ASPNETCORE_URLS / "urls" is given.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:8005");
}
builder.Services.AddOptions<MessagesOptions>().BindConfiguration(MessagesOptions.Section)
    .ValidateDataAnnotations().ValidateOnStart();     // a bad "Messages" setting stops the server at start, clearly
builder.Services.AddSingleton<ClientTimers>();
builder.Services.AddSingleton<SocketHandler>();

var app = builder.Build();
var sockets = app.Services.GetRequiredService<SocketHandler>();

// `new WebSocket.Server({ server })`: requests that ask to upgrade ("Connection: Upgrade", "Upgrade: websocket")
// at "/" become WebSockets; every other request is ordinary HTTP and gets the page (wwwroot/index.html).
app.UseWebSockets();
app.Use((context, next) => SocketHandler.WantsWebSocket(context) ? sockets.HandleAsync(context) : next(context));
app.UseDefaultFiles();
app.UseStaticFiles();

// console.log(app.get("port"), "번 포트에서 대기 중"), with the port really bound.
app.Lifetime.ApplicationStarted.Register(() =>
{
    var port = new Uri(app.Urls.First()).Port;
    app.Logger.LogInformation("{Port} 번 포트에서 대기 중", port);
    app.Logger.LogInformation("http://localhost:{Port} 를 브라우저에서 여세요 (Ctrl+C로 종료)", port);
});
app.Run();

// Lets the tests start this very app on a free port (WebApplicationFactory<Program>).
public partial class Program;
