using System.Text.Json;
using SocketIOClient;
using SocketIOClient.JsonSerializer;
using SocketIOClient.Transport;

namespace RoomsNamespaces.Client;

/// <summary>
/// What the channels page (RoomsNamespaces.Server/wwwroot/app.js) does, in C# with SocketIOClient: connect to the main
/// namespace <c>/</c> and to post 001's <c>/goods</c> and <c>/user</c>; join a room and send to it; show every
/// <c>private</c>, <c>public</c>, <c>broadcast</c> and <c>room</c> message as the page lists it (the sender as 나).
/// Every line goes to <paramref name="print"/> (the console, or a test's transcript).
/// </summary>
/// <remarks>
/// One difference from the page: the browser's <c>io("/goods")</c> reuses the connection of <c>io()</c> (a Manager
/// multiplexes the namespaces over one Engine.IO connection). SocketIOClient 3.0.6 has no Manager: each namespace is
/// its own client with its own connection — three here. The server cannot tell: namespaces are the same either way.
/// </remarks>
public sealed class RoomClient : IDisposable
{
    private readonly Action<string> _print;
    private readonly SocketIOClient.SocketIO _main;    // io()
    private readonly SocketIOClient.SocketIO _goods;   // io("/goods")
    private readonly SocketIOClient.SocketIO _user;    // io("/user")

    public RoomClient(Uri server, Action<string> print)
    {
        _print = print;
        _main = Create(server, "/");
        _goods = Create(server, "/goods");
        _user = Create(server, "/user");

        // Handlers before ConnectAsync (SocketIOClient keeps one handler per event name). They run on the client's
        // receive loop, so they catch their own errors.
        _main.On("private", response => Show("private", response));
        _main.On("public", response => Show("public", response));
        _main.On("broadcast", response => Show("broadcast", response));
        _main.On("room", response => Show("room", response));
        _main.OnDisconnected += (_, reason) => _print($"연결 끊김: {reason}");
    }

    /// <summary>The socket id in the main namespace, as the page shows it.</summary>
    public string? Id => _main.Id;

    /// <summary>Connects the three namespaces and waits until the server accepted each (ConnectAsync may return earlier).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (name, socket) in new[] { ("/", _main), ("/goods", _goods), ("/user", _user) })
        {
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            socket.OnConnected += (_, _) => connected.TrySetResult();
            await socket.ConnectAsync().WaitAsync(cancellationToken);
            await connected.Task.WaitAsync(cancellationToken);
            _print($"{name} 연결됨 (socket id {socket.Id})");
        }
        _print("네임스페이스마다 연결이 하나씩입니다 (SocketIOClient에는 브라우저 클라이언트의 Manager가 없습니다).");
    }

    /// <summary><c>socket.emit("join", room, showRooms)</c>: the answer is <c>socket.rooms</c>, own id first.</summary>
    public async Task<string[]> JoinAsync(string room, CancellationToken cancellationToken = default)
    {
        var answer = await EmitWithAckAsync(_main, "join", cancellationToken, room);
        if (answer.ValueKind != JsonValueKind.Array)
        {
            _print($"join: {ErrorOf(answer)}");
            return [];
        }
        _print($"socket.rooms: {answer.GetRawText()}");
        return answer.Deserialize<string[]>()!;
    }

    /// <summary><c>socket.emit("room", [room], msg, answered)</c>: everyone in the room gets it, the sender too if in it.</summary>
    public async Task<bool> SayAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        var answer = await EmitWithAckAsync(_main, "room", cancellationToken, new[] { room }, text);
        if (ErrorOf(answer) is { } error)
        {
            _print($"room: {error}");
            return false;
        }
        return true;
    }

    /// <summary><c>socket.emit("public", msg, answered)</c>: everyone, the sender included.</summary>
    public Task SendPublicAsync(string text, CancellationToken cancellationToken = default) =>
        EmitWithAckAsync(_main, "public", cancellationToken, text);

    /// <summary>The namespace buttons: <c>goods.emit("shoes", "270mm", answer)</c> and <c>user.emit("admin", "on", answer)</c>.</summary>
    public async Task CallNamespacesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (socket, eventName, res) in new[] { (_goods, "shoes", "270mm"), (_user, "admin", "on") })
        {
            var reply = await EmitWithAckAsync(socket, eventName, cancellationToken, res);
            _print(ErrorOf(reply) is { } error
                ? $"error: {error}"
                : $"{reply.GetProperty("nsp").GetString()} {reply.GetProperty("event").GetString()}: {reply.GetProperty("res").GetString()}");
        }
    }

    public async Task DisconnectAsync()
    {
        foreach (var socket in new[] { _user, _goods, _main })
        {
            if (socket.Connected) await socket.DisconnectAsync();
        }
    }

    public void Dispose()
    {
        _main.Dispose();
        _goods.Dispose();
        _user.Dispose();
    }

    // One client per namespace: the namespace is the path of the URL, as in io("http://host/goods").
    private static SocketIOClient.SocketIO Create(Uri server, string nsp)
    {
        var socket = new SocketIOClient.SocketIO(new Uri(server, nsp), new SocketIOOptions
        {
            Path = "/socket.io",                          // the server's MapSocketIO("/socket.io")
            // WebSocket from the start: SocketIOClient's AutoUpgrade is not a real upgrade (README, "Notes on packages").
            Transport = TransportProtocol.WebSocket,
            ConnectionTimeout = TimeSpan.FromSeconds(10),
        });
        // SocketIOClient's JSON is PascalCase and case-sensitive by default; use the web's camelCase like JavaScript.
        ((SystemTextJsonSerializer)socket.JsonSerializer).OptionsProvider = () => new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return socket;
    }

    // socket.on("room", ({ from, rooms, msg }) => show(`room [${rooms.join(", ")}] from ${who(from)}: ${msg}`)).
    private void Show(string kind, SocketIOResponse response)
    {
        try
        {
            var message = response.GetValue<JsonElement>();
            var from = message.GetProperty("from").GetString();
            var who = from == _main.Id ? "나" : from;
            var rooms = message.TryGetProperty("rooms", out var list) ? $" [{string.Join(", ", list.Deserialize<string[]>()!)}]" : "";
            _print($"{kind}{rooms} from {who}: {message.GetProperty("msg").GetString()}");
        }
        catch (Exception e)
        {
            _print($"오류: {kind}를 읽지 못했습니다. {e.Message}");
        }
    }

    // An emit whose last argument is a callback: the server's handler returns the answer (an ack).
    private static async Task<JsonElement> EmitWithAckAsync(SocketIOClient.SocketIO socket, string eventName, CancellationToken cancellationToken, params object[] data)
    {
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await socket.EmitAsync(eventName, cancellationToken, response => answer.TrySetResult(response.GetValue<JsonElement>()), data);
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }

    // Every send is answered {ok: true} or {error: "..."}.
    private static string? ErrorOf(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("error", out var error) ? error.GetString() : null;
}
