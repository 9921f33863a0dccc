// The floor: what plain Kestrel + ASP.NET Core WebSockets cost for the harness's scenarios, with none of Engine.IO's or
// Socket.IO's work. It speaks only the bytes those scenarios need, by slicing:
//   open  0{...}           after the WebSocket is accepted (no heartbeat: the scenarios last seconds)
//   "40"                   → 40{"sid":...}                 (the namespace CONNECT)
//   42<id>["echo",<p>]     → 43<id>[<p>]                   (the ack, payload bytes copied as they came)
//   42<id>["join",<room>]  → 43<id>[true]                  (every join is to the one room; the name is not read)
//   42["chat",<msg>]       → the same bytes to every member of the room, one SendAsync each, straight from the
//                            sender's receive loop (no queue, no thread hop of our own, never awaited)
// Nothing is validated and nothing else is supported: never use it as a server.
using System.Buffers;
using System.Net.WebSockets;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (builder.Configuration.GetValue<bool>("Bench:InlineScheduling")) // the same switch as BenchHost's
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
var app = builder.Build();
app.UseWebSockets();

var open = """0{"sid":"floorfloorfloorfloor","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"""u8.ToArray();
var connected = """40{"sid":"floorfloorfloorfloor"}"""u8.ToArray();
var echoPrefix = """["echo","""u8.ToArray();
var room = new List<WebSocket>(); // the members of the one room (locked)

app.Map("/socket.io/", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest();
    using var ws = await context.WebSockets.AcceptWebSocketAsync();
    await ws.SendAsync(open, WebSocketMessageType.Text, true, default);
    try
    {
        while (true)
        {
            // Like the library: wait with a zero-byte read, and hold a buffer only while a message is handled.
            var result = await ws.ReceiveAsync(Memory<byte>.Empty, default);
            if (result.MessageType == WebSocketMessageType.Close) break;
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                result = await ws.ReceiveAsync(buffer.AsMemory(), default);
                if (result.MessageType == WebSocketMessageType.Close || !result.EndOfMessage) break;
                await AnswerAsync(ws, buffer.AsMemory(0, result.Count));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
    finally
    {
        lock (room) room.Remove(ws);
    }
    return Results.Empty;
});

app.Run();

ValueTask AnswerAsync(WebSocket ws, Memory<byte> received)
{
    var message = received.Span;
    if (message.SequenceEqual("40"u8)) return ws.SendAsync(connected.AsMemory(), WebSocketMessageType.Text, true, default);
    if (!message.StartsWith("42"u8)) return ValueTask.CompletedTask;
    var bracket = message.IndexOf((byte)'[');
    var rest = message[bracket..];
    if (rest.StartsWith("""["chat","""u8))
    {
        // The receivers get exactly the packet the sender sent. One copy, shared by every send.
        var packet = received.ToArray();
        lock (room)
        {
            // Not awaited: ManagedWebSocket queues a send that comes while another is under way.
            foreach (var member in room) _ = member.SendAsync(packet, WebSocketMessageType.Text, true, default);
        }
        return ValueTask.CompletedTask;
    }
    if (rest.StartsWith("""["join","""u8))
    {
        lock (room) room.Add(ws);
        // 42<id>["join",...] → 43<id>[true]
        message[1] = (byte)'3';
        "[true]"u8.CopyTo(message[bracket..]);
        return ws.SendAsync(received[..(bracket + 6)], WebSocketMessageType.Text, true, default);
    }
    // 42<id>["echo",<payload>] → 43<id>[<payload>], written over the received bytes (the reply is shorter)
    var payloadStart = bracket + echoPrefix.Length;
    var payloadLength = message.Length - 1 - payloadStart;
    message[1] = (byte)'3';
    message.Slice(payloadStart, payloadLength).CopyTo(message[(bracket + 1)..]);
    message[bracket + 1 + payloadLength] = (byte)']';
    return ws.SendAsync(received[..(bracket + 2 + payloadLength)], WebSocketMessageType.Text, true, default);
}
