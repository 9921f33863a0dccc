// The page's script as a console program: connect, log each message from the server, reply to it.
//   dotnet run --project 02-raw-websocket/RawWebSocket.Client [ws://localhost:8005/]
using System.Net.WebSockets;
using RawWebSocket.Client;

if (!Uri.TryCreate(args.Length > 0 ? args[0] : "ws://localhost:8005/", UriKind.Absolute, out var server) ||
    server.Scheme is not ("ws" or "wss"))
{
    Console.Error.WriteLine("사용법: RawWebSocket.Client [ws://호스트:포트/] (ws:// 또는 보안 연결 wss://)");
    return 2;
}

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
catch (WebSocketException e)
{
    Console.Error.WriteLine($"연결할 수 없습니다: {e.Message} {e.InnerException?.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    // Ctrl+C while still connecting.
}
return 0;
