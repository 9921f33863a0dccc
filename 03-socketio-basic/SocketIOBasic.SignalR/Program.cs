// Step 03, the SignalR counterpart of the post's socket.js (Node.js 교과서 §12.3): a hub at /news sends each client
// "news" every 3 s and logs its "reply". The Socket.IO version of this step listens on 8005; this one on 8006.
using SocketIOBasic.SignalR;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8006);
builder.Services.Configure<NewsOptions>(builder.Configuration.GetSection(NewsOptions.Section));
builder.Services.AddSingleton<NewsTimers>();
// Two calls per client at once, so Interview() can wait for the client's answer while the client is free to reply.
builder.Services.AddSignalR(o => o.MaximumParallelInvocationsPerClient = 2);

var app = builder.Build();
app.UseDefaultFiles();    // "/" → wwwroot/index.html
app.UseStaticFiles();     // and /lib/signalr.min.js, copied from node_modules at build time
app.MapHub<NewsHub>("/news");   // like SocketIO(server, { path: "/socket.io" }), one endpoint per hub

// console.log(app.get("port"), "번 포트에서 대기 중"), with the port really bound.
app.OnListening(on =>
{
    app.Logger.LogInformation("{Port} 번 포트에서 대기 중", on.Port);
    app.Logger.LogInformation("http://localhost:{Port} 를 브라우저에서 여세요 (Ctrl+C로 종료)", on.Port);
});
app.Run();
