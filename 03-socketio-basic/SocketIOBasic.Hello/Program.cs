// Step 03, post 004 "socket.io 맛보기" in its express form: one server carries both the web app (app) and
// Socket.IO (io). Node needs http.createServer(app) to share the port; in ASP.NET Core the WebApplication already is
// that one server, so the pages and Socket.IO simply live side by side on it.
using Realtime.EngineIO;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 3000);                   // 3000번 포트 사용, unless --urls says otherwise
builder.Services.AddSocketIO(o => o.Cors = new EngineCorsOptions
{
    Origins = ["*"],                                       // 어떤 사용자들에게 서버 접근을 허용할지: * → 모든 사람
    Methods = ["GET", "POST"],                             // GET, POST 요청만 허용
});

var app = builder.Build();
app.UseDefaultFiles();                                     // express.static: wwwroot/index.html at "/"
app.UseStaticFiles();

var io = app.MapSocketIO("/socket.io").Server;             // require("socket.io")(http, { cors }): the default path
var log = app.Logger;

// 요청에 따른 연결을 한 경우 어떤 식으로 연결할 것인가
io.On("connection", socket =>
{
    log.LogInformation("새로운 소켓이 연결됐어요!");           // 연결되면 서버 콘솔에 표시

    // customEventName 이벤트로 "this is custom event data" 데이터를 보냄
    socket.Emit("customEventName", "this is custom event data");

    // message는 기본 이벤트입니다. 클라이언트가 socket.send(...)로 보내면 작동합니다.
    socket.On("message", (string data) => log.LogInformation("{Data}", data));
});

// http.listen(3000, () => console.log(...))
app.OnListening(on =>
{
    log.LogInformation("서버가 요청을 받을 준비가 됐어요");
    log.LogInformation("{Urls} 에서 대기 중 (Ctrl+C로 종료)", on.Urls);
});
app.Run();
