// Step 04: a C# console client doing what the channels page does (RoomsNamespaces.Server/wwwroot/app.js), with
// SocketIOClient: join a room, send each line you type to it, and call the /goods and /user namespaces.
//   dotnet run --project 04-rooms-namespaces/RoomsNamespaces.Client [http://localhost:5000] [room]
// Run it in two terminals (and open the page): what one sends to the room, every member of the room receives.
using RoomsNamespaces.Client;

var url = args.FirstOrDefault(a => a.StartsWith("http", StringComparison.Ordinal)) ?? "http://localhost:5000";
var room = args.FirstOrDefault(a => !a.StartsWith("http", StringComparison.Ordinal)) ?? "1";

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };   // Ctrl+C: leave cleanly

using var client = new RoomClient(new Uri(url), Console.WriteLine);
try
{
    await client.ConnectAsync(stop.Token);
    await client.JoinAsync(room, stop.Token);                        // socket.emit("join", room, showRooms)
    await client.CallNamespacesAsync(stop.Token);                    // goods.emit("shoes", "270mm", answer) ...
    Console.WriteLine($"방 {room}에 보낼 말을 입력하세요 (빈 줄이나 Ctrl+C로 종료).");
    while (await ReadLineAsync(stop.Token) is { Length: > 0 } line)
    {
        await client.SayAsync(room, line, stop.Token);               // socket.emit("room", [room], msg, answered)
    }
}
catch (OperationCanceledException)
{
}
await client.DisconnectAsync();

// Console.ReadLine cannot be cancelled: wait for a line or for Ctrl+C, whichever comes first.
static async Task<string?> ReadLineAsync(CancellationToken stop)
{
    var line = Task.Run(Console.ReadLine);
    await Task.WhenAny(line, Task.Delay(Timeout.Infinite, stop));
    return line.IsCompleted ? line.Result : null;
}
