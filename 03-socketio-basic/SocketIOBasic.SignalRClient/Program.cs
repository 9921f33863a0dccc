// Step 03's C# client for the SignalR hub: does what the page does. On "news" it prints the text and replies.
//   dotnet run --project 03-socketio-basic/SocketIOBasic.SignalRClient [ws://localhost:8006/news]
// Stop and restart the server to watch the automatic reconnection; Ctrl+C ends the client.
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.SignalR.WebSockets;

var url = new Uri(args.FirstOrDefault() ?? "ws://localhost:8006/news");
await using var connection = new HubConnectionBuilder()
    .WithWebSocketUrl(url)            // the official client's WithUrl(url), minus negotiation (see the library)
    .WithAutomaticReconnect()         // retries after 0, 2, 10 and 30 s, then gives up
    .Build();

// socket.on("news", data => { console.log(data); socket.emit("reply", ...) })
connection.On<string>("news", async data =>
{
    Console.WriteLine($"news: {data}");
    await connection.SendAsync("Reply", "Hello ASP.NET Core");
});
// The server's Interview() waits for this answer.
connection.On("whoAreYou", () => "C# 콘솔 클라이언트입니다.");

connection.Reconnecting += error => Log($"연결이 끊겼습니다. 다시 연결하는 중… ({error?.Message})");
connection.Reconnected += _ => Log("다시 연결되었습니다.");
connection.Closed += error => Log($"연결이 닫혔습니다. {error?.Message}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

try
{
    // WithAutomaticReconnect covers a lost connection, not the first start: retry that here.
    while (true)
    {
        try
        {
            await connection.StartAsync(stop.Token);
            break;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Log($"{url}에 연결하지 못했습니다 ({ex.Message}). 2초 후 다시 시도합니다.");
            await Task.Delay(TimeSpan.FromSeconds(2), stop.Token);
        }
    }
    await Log($"{url}에 연결되었습니다. Ctrl+C로 종료합니다.");

    // An acknowledgement: InvokeAsync waits for the hub method's return value.
    var answer = await connection.InvokeAsync<string>("Ask", "잘 들리나요?", stop.Token);
    await Log($"Ask의 결과: {answer}");

    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
await connection.StopAsync();

static Task Log(string text)
{
    Console.WriteLine(text);
    return Task.CompletedTask;
}
