// Step 04, post 003: the chat on port 3000. "/" links to "/room"; there each person joins with a name, chats, and
// leaves. join, chat and leave go to everyone, the sender included (io.emit); after a leave the server closes
// that person's connection (socket.disconnect(true)). The pages are wwwroot/index.html and wwwroot/room.html.
using Realtime.SocketIO;
using RoomsNamespaces.Chat;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 3000);                   // const port = 3000, unless --urls says otherwise
builder.Services.AddSocketIO();

var app = builder.Build();
app.UseStaticFiles();                                      // site.css, chat.js
app.MapGet("/", () => Page("index.html"));                 // app.get("/", ...sendFile(public/index.html))
app.MapGet("/room", () => Page("room.html"));              // app.get("/room", ...sendFile(public/room.html))

var io = app.MapSocketIO().Server;                         // new Server(server)
var log = app.Logger;

io.On("connection", socket =>
{
    log.LogInformation("Socket Connected");               // 소켓 연결

    // 입장 감지·반환: to everyone, me included (socket.Broadcast.Emit would leave me out).
    socket.On("join", (string name) =>
    {
        if (ChatInput.CheckName(name) is { } error) return error;
        io.Emit("join", name);
        return ChatInput.Ok;
    });

    // 채팅 감지·반환
    socket.On("chat", (ChatMessage chat) =>
    {
        if (ChatInput.Check(chat) is { } error) return error;
        io.Emit("chat", chat);
        return ChatInput.Ok;
    });

    // 퇴장 감지·반환: tell everyone, then end this socket's connection (the page is a chat room). The ack is an
    // explicit callback here, answered BEFORE the disconnect: a return value would come too late to be sent.
    socket.On("leave", (string name, SocketIOAck ack) =>
    {
        if (ChatInput.CheckName(name) is { } error)
        {
            ack(error);
            return;
        }
        ack(ChatInput.Ok);
        io.Emit("leave", name);
        socket.Disconnect(close: true);                   // socket.disconnect(true): the whole connection
    });

    socket.On("disconnect", () => log.LogInformation("Socket Disconnected"));   // 소켓 종료
});

// server.listen(port, () => console.log(`Server is connected on ${port}`)), with the port really bound.
app.OnListening(on => log.LogInformation("Server is connected on {Port}", on.Port));
app.Run();

IResult Page(string file) => Results.File(Path.Combine(app.Environment.WebRootPath, file), "text/html; charset=utf-8");
