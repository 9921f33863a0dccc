// Step 03's C# client for the SignalR hub: does what the page does (NewsClient.cs). On "news" it prints the text
// and replies.
//   dotnet run --project 03-socketio-basic/SocketIOBasic.SignalRClient [http://localhost:8006/news]
// Stop and restart the server to watch the automatic reconnection; Ctrl+C ends the client.
using SocketIOBasic.SignalRClient;

var url = new Uri(args.FirstOrDefault() ?? "http://localhost:8006/news");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

await new NewsClient(url, Console.WriteLine).RunAsync(stop.Token);
