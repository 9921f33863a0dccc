// Step 02: one ASP.NET Core server on port 8005 serves the page AND speaks WebSocket on the same port,
// like the book's app.js + socket.js (Node.js 교과서 §12.2, the `ws` module sharing Express's server).
using RawWebSocket.Server;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8005);              // app.set("port", process.env.PORT || 8005); --urls moves it
builder.Services.AddOptions<MessagesOptions>().BindConfiguration(MessagesOptions.Section)
    .ValidateDataAnnotations().ValidateOnStart();     // a bad "Messages" setting stops the server at start, clearly
builder.Services.AddSingleton<ClientTimers>();
builder.Services.AddSingleton<SocketHandler>();

var app = builder.Build();
var sockets = app.Services.GetRequiredService<SocketHandler>();

// `new WebSocket.Server({ server })`: requests that ask to upgrade ("Connection: Upgrade", "Upgrade: websocket")
// at "/" become WebSockets; every other request is ordinary HTTP: the page (wwwroot/index.html), or the 404 below.
app.UseWebSockets();
app.Use((context, next) => SocketHandler.WantsWebSocket(context) ? sockets.HandleAsync(context) : next(context));
app.UseDefaultFiles();
app.UseStaticFiles();

// The book's 404 handler: no router matched, so `${req.method} ${req.url} 라우터가 존재하지 않습니다.` with status 404.
// The book renders it into its error page; here it is plain text (and nosniff, since it echoes the URL).
app.Run(context =>
{
    context.Response.StatusCode = StatusCodes.Status404NotFound;
    context.Response.ContentType = "text/plain; charset=utf-8";
    context.Response.Headers.XContentTypeOptions = "nosniff";
    return context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} 라우터가 존재하지 않습니다.");
});

// console.log(app.get("port"), "번 포트에서 대기 중"), with the port really bound.
app.OnListening(on =>
{
    app.Logger.LogInformation("{Port} 번 포트에서 대기 중", on.Port);
    app.Logger.LogInformation("http://localhost:{Port} 를 브라우저에서 여세요 (Ctrl+C로 종료)", on.Port);
});
app.Run();
