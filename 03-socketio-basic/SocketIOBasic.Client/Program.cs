// Step 03: a C# console client doing what the page does (wwwroot/index.html of SocketIOBasic.Server).
//   dotnet run --project 03-socketio-basic/SocketIOBasic.Client [http://localhost:8005] [--websocket | --polling]
using SocketIOBasic.Client;

var url = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "http://localhost:8005";
var transport = args.Contains("--websocket") ? NewsTransport.WebSocket
              : args.Contains("--polling") ? NewsTransport.Polling
              : NewsTransport.Default;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };   // Ctrl+C: leave cleanly

using var client = new NewsClient(new Uri(url), transport, line => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}"));
Console.WriteLine($"{url} 에 연결합니다 ({transport}). Ctrl+C로 종료.");
try
{
    await client.ConnectAsync(stop.Token);
    Console.WriteLine($"서버의 답: {await client.AskAsync("잘 들리나요?", stop.Token)}");
    await Task.Delay(Timeout.Infinite, stop.Token);                    // news and replies run in the handlers
}
catch (OperationCanceledException)
{
}
await client.DisconnectAsync();
