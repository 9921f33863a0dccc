using Microsoft.AspNetCore.SignalR.Client;

namespace SocketIOBasic.SignalRClient;

/// <summary>
/// What the page does, in C#: connect to the news hub, print each <c>news</c> and answer <c>Reply</c>, ask one question
/// (an invocation with a result), answer the server's <c>whoAreYou</c>, and reconnect when the connection drops.
/// </summary>
/// <param name="url">The hub, e.g. <c>http://localhost:8006/news</c>.</param>
/// <param name="print">Where the client's lines go (the console in Program.cs, a transcript in the tests).</param>
public sealed class NewsClient(Uri url, Action<string> print)
{
    public const string Reply = "Hello ASP.NET Core";

    /// <summary>Runs until <paramref name="stop"/> is cancelled (Ctrl+C), then closes the connection.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = new HubConnectionBuilder()
            // POST /news/negotiate first (the server lists its transports), then the best one both sides have:
            // WebSockets, else Server-Sent Events, else long polling.
            .WithUrl(url)
            .WithAutomaticReconnect()         // retries after 0, 2, 10 and 30 s, then gives up
            .Build();

        // socket.on("news", data => { console.log(data); socket.emit("reply", "Hello Node.JS"); })
        connection.On<string>("news", async data =>
        {
            print($"news: {data}");
            await connection.SendAsync("Reply", Reply);
        });
        // The server's Interview() waits for this answer.
        connection.On("whoAreYou", () => "C# 콘솔 클라이언트입니다.");

        connection.Reconnecting += error => Print($"연결이 끊겼습니다. 다시 연결하는 중… ({error?.Message})");
        connection.Reconnected += _ => Print("다시 연결되었습니다.");
        connection.Closed += error => Print($"연결이 닫혔습니다. {error?.Message}");

        try
        {
            // WithAutomaticReconnect covers a lost connection, not the first start: retry that here.
            while (true)
            {
                try
                {
                    await connection.StartAsync(stop);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    print($"{url}에 연결하지 못했습니다 ({ex.Message}). 2초 후 다시 시도합니다.");
                    await Task.Delay(TimeSpan.FromSeconds(2), stop);
                }
            }
            print($"{url}에 연결되었습니다 (connection id {connection.ConnectionId}). Ctrl+C로 종료합니다.");

            // An acknowledgement: InvokeAsync waits for the hub method's return value.
            var answer = await connection.InvokeAsync<string>("Ask", "잘 들리나요?", stop);
            print($"Ask의 결과: {answer}");

            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await connection.StopAsync(CancellationToken.None);
    }

    // The connection's events want a Task back.
    private Task Print(string text)
    {
        print(text);
        return Task.CompletedTask;
    }
}
