// Step 04, SignalR: a C# console client doing what the hubs' channels page does (RoomsNamespaces.SignalR/wwwroot/
// channels.html): join a group, send each line you type to it, and call the /goods and /user hubs.
//   dotnet run --project 04-rooms-namespaces/RoomsNamespaces.SignalRClient [http://localhost:3001] [name] [group]
// Run it in two terminals (and open the page): what one sends to the group, every member of the group receives.
using RoomsNamespaces.SignalRClient;

var url = args.FirstOrDefault(a => a.StartsWith("http", StringComparison.Ordinal)) ?? "http://localhost:3001";
var rest = args.Where(a => !a.StartsWith("http", StringComparison.Ordinal)).ToArray();
var name = rest.ElementAtOrDefault(0) ?? $"console-{Environment.ProcessId}";
var group = rest.ElementAtOrDefault(1) ?? "1";

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };   // Ctrl+C: leave cleanly

await using var client = new HubsClient(new Uri(url), name, Console.WriteLine);
try
{
    await client.ConnectAsync(stop.Token);
    await client.JoinAsync(group, stop.Token);                       // connection.invoke("JoinGroup", group)
    await client.CallHubsAsync(stop.Token);                          // goods.invoke("Shoes", "270mm") ...
    Console.WriteLine($"그룹 {group}에 보낼 말을 입력하세요 (빈 줄이나 Ctrl+C로 종료).");
    while (await ReadLineAsync(stop.Token) is { Length: > 0 } line)
    {
        await client.SayAsync(group, line, stop.Token);              // connection.invoke("SendToGroup", group, text)
    }
}
catch (OperationCanceledException)
{
}

// Console.ReadLine cannot be cancelled: wait for a line or for Ctrl+C, whichever comes first.
static async Task<string?> ReadLineAsync(CancellationToken stop)
{
    var line = Task.Run(Console.ReadLine);
    await Task.WhenAny(line, Task.Delay(Timeout.Infinite, stop));
    return line.IsCompleted ? line.Result : null;
}
