// Step 03 (Node.js 교과서 §12.3): the post's socket.js and app.js. Socket.IO on the web server at /socket.io; every
// 3 s each client gets "news", and each "reply" it sends back is logged. The page is wwwroot/index.html.
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 8005);                   // app.set("port", 8005), unless --urls says otherwise
builder.Services.AddSocketIO();
builder.Services.AddSingleton(TimeProvider.System);       // the app's clock, for setInterval and Socket.IO's own timers

var app = builder.Build();
app.UseDefaultFiles();                                     // "/" → wwwroot/index.html
app.UseStaticFiles();

// SocketIO(server, { path: "/socket.io" }): same port as the pages; also serves GET /socket.io/socket.io.js.
var io = app.MapSocketIO("/socket.io").Server;
var every = TimeSpan.FromMilliseconds(app.Configuration.GetValue("News:IntervalMs", 3000));
var clock = app.Services.GetRequiredService<TimeProvider>();
var log = app.Logger;

io.On("connection", socket =>                              // 웹 소켓 연결 시
{
    // req.headers["x-forwarded-for"] || req.socket.remoteAddress (socket.Handshake is the request that connected)
    var address = socket.Handshake.Address;
    var forwarded = socket.Handshake.Headers["X-Forwarded-For"].ToString();
    var ip = string.IsNullOrEmpty(forwarded) ? address : forwarded;
    log.LogInformation("새로운 클라이언트가 접속했습니다. ({Ip}, {SocketId}, {RequestIp})", ip, socket.Id, address);

    // socket.interval = setInterval(() => socket.emit("news", "Hello Socket.IO"), 3000): to this one client.
    var interval = clock.CreateTimer(_ => socket.Emit("news", "Hello Socket.IO"), null, every, every);

    socket.On("disconnect", (string reason) =>             // 연결 종료 시
    {
        log.LogInformation("클라이언트가 접속을 해제했습니다. ({Ip}, {SocketId})", ip, socket.Id);
        interval.Dispose();                                // clearInterval(socket.interval)
    });

    // socket.on("error", ...): a handler that throws, or arguments that do not fit it, are logged by the library
    // (category Realtime.SocketIO) and the connection carries on.

    socket.On("reply", (string data) => log.LogInformation("{Data}", data));   // 클라이언트로부터 메시지 수신 시

    // Acknowledgements. Client → server: the handler's return value goes back to the client's callback,
    // socket.emit("question", "잘 들리나요?", answer => ...).
    socket.On("question", (string question) => $"서버의 답: \"{question}\" 잘 받았습니다.");

    // Server → client: ask and await the answer the client gives its callback (Node: socket.timeout(5000).emitWithAck).
    socket.On("interview", async () =>
    {
        var answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync<string>("whoAreYou");
        log.LogInformation("클라이언트의 대답: {Answer}", answer);
        return answer;                                     // and tell the client what it said
    });
});

// console.log(app.get("port"), "번 포트에서 대기 중"), with the port really bound.
app.OnListening(on =>
{
    log.LogInformation("{Port} 번 포트에서 대기 중", on.Port);
    log.LogInformation("http://localhost:{Port} 를 브라우저에서 여세요 (Ctrl+C로 종료)", on.Port);
});
app.Run();
