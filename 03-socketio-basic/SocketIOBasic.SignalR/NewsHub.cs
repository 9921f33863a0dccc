using Microsoft.AspNetCore.SignalR;

namespace SocketIOBasic.SignalR;

/// <summary>
/// The post's socket.js (Node.js 교과서 §12.3) as a SignalR hub at <c>/news</c>. A hub method is what
/// <c>socket.on("reply", ...)</c> was; <c>Clients.Caller.SendAsync("news", ...)</c> is what <c>socket.emit</c> was.
/// </summary>
public sealed class NewsHub(NewsTimers timers, ILogger<NewsHub> logger) : Hub
{
    /// <summary><c>io.on("connection", socket => ...)</c>.</summary>
    public override Task OnConnectedAsync()
    {
        timers.Start(Context.ConnectionId);
        logger.LogInformation("새로운 클라이언트가 접속했습니다. ({Ip}, {ConnectionId})", ClientIp(), Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary><c>socket.on("disconnect", ...)</c> and <c>socket.on("error", ...)</c>: the exception says why, if it failed.</summary>
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await timers.StopAsync(Context.ConnectionId);
        if (exception is not null)
        {
            logger.LogError(exception, "연결 오류 ({ConnectionId})", Context.ConnectionId);
        }
        logger.LogInformation("클라이언트가 접속을 해제했습니다. ({Ip}, {ConnectionId})", ClientIp(), Context.ConnectionId);
    }

    /// <summary><c>socket.on("reply", data => console.log(data))</c>: the client calls it with <c>connection.send("Reply", ...)</c>.</summary>
    public void Reply(string data) => logger.LogInformation("{Data}", data);

    /// <summary>
    /// An acknowledgement: in Socket.IO the client passes a callback, <c>socket.emit("ask", q, answer => ...)</c>;
    /// in SignalR the client calls <c>connection.invoke("Ask", q)</c> and the return value comes back as the result.
    /// </summary>
    public string Ask(string question)
    {
        logger.LogInformation("질문을 받았습니다: {Question}", question);
        return $"서버의 답: \"{question}\" 잘 받았습니다.";
    }

    /// <summary>
    /// The other direction: the server asks the client and waits for its answer (a client result; Socket.IO:
    /// <c>await socket.timeout(5000).emitWithAck("whoAreYou")</c>). The client answers from <c>connection.on("whoAreYou", () => ...)</c>.
    /// Waiting for a client inside a hub method needs <c>MaximumParallelInvocationsPerClient</c> above 1 (Program.cs).
    /// </summary>
    public async Task<string> Interview()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Context.ConnectionAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var answer = await Clients.Caller.InvokeAsync<string>("whoAreYou", timeout.Token);
        logger.LogInformation("클라이언트의 대답: {Answer}", answer);
        return answer;
    }

    // The post: req.headers["x-forwarded-for"] || req.socket.remoteAddress.
    private string ClientIp()
    {
        var http = Context.GetHttpContext();
        var forwarded = http?.Request.Headers["X-Forwarded-For"].ToString();
        return !string.IsNullOrEmpty(forwarded) ? forwarded : http?.Connection.RemoteIpAddress?.ToString() ?? "?";
    }
}
