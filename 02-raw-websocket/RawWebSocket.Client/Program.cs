// The page's script as a console program: connect, log each message from the server, reply to it.
//   dotnet run --project 02-raw-websocket/RawWebSocket.Client [ws://localhost:8005/]
using RawWebSocket.Client;

var server = new Uri(args.Length > 0 ? args[0] : "ws://localhost:8005/");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;        // don't kill the process: close the WebSocket politely first
    stop.Cancel();
};

Console.WriteLine($"{server} 에 연결합니다. (Ctrl+C로 종료)");
try
{
    await new ReplyingClient(server, line => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}")).RunAsync(stop.Token);
}
catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException)
{
    Console.Error.WriteLine($"연결할 수 없습니다: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    // Ctrl+C while still connecting.
}
return 0;
