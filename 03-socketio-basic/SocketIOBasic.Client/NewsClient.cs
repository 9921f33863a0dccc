using System.Text.Json;
using SocketIOClient;
using SocketIOClient.JsonSerializer;
using SocketIOClient.Transport;

namespace SocketIOBasic.Client;

/// <summary>How the client reaches the server.</summary>
public enum NewsTransport
{
    /// <summary>SocketIOClient's default: an HTTP long-polling handshake, then WebSocket.</summary>
    Default,

    /// <summary>HTTP long-polling only (what a client without WebSocket does).</summary>
    Polling,

    /// <summary>WebSocket from the start: the page's <c>transports: ["websocket"]</c>.</summary>
    WebSocket,
}

/// <summary>
/// What the page (wwwroot/index.html) does, in C# with SocketIOClient: on <c>news</c>, print it and emit
/// <c>reply</c> "Hello Node.JS"; answer the server's <c>whoAreYou</c>; ask <c>question</c> with an acknowledgement.
/// Every line it would print goes to <paramref name="print"/> (the console, or a test's transcript).
/// </summary>
public sealed class NewsClient : IDisposable
{
    private readonly SocketIOClient.SocketIO _socket;
    private readonly Action<string> _print;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private bool _leaving;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NewsClient(Uri server, NewsTransport transport, Action<string> print, TimeSpan? reconnectionDelay = null)
    {
        _print = print;
        _socket = new SocketIOClient.SocketIO(server, new SocketIOOptions
        {
            Path = "/socket.io",                                        // the server's MapSocketIO("/socket.io")
            Transport = transport == NewsTransport.WebSocket ? TransportProtocol.WebSocket : TransportProtocol.Polling,
            AutoUpgrade = transport == NewsTransport.Default,
            Reconnection = true,                                        // as the browser client: on by default
            ReconnectionDelay = (reconnectionDelay ?? TimeSpan.FromSeconds(1)).TotalMilliseconds,
            ConnectionTimeout = TimeSpan.FromSeconds(10),
        });
        // SocketIOClient's JSON is PascalCase and case-sensitive by default; use the web's camelCase like JavaScript.
        ((SystemTextJsonSerializer)_socket.JsonSerializer).OptionsProvider = () => new JsonSerializerOptions(JsonSerializerDefaults.Web);

        // Handlers before ConnectAsync (SocketIOClient keeps one handler per event name).
        // Handlers are async void (On takes an Action): an exception in one would end the process, so they catch.
        _socket.On("news", async response =>
        {
            try
            {
                _print($"news: {response.GetValue<string>()}");
                await EmitAsync("reply", "Hello Node.JS");
            }
            catch (Exception e)
            {
                _print($"오류: reply를 보내지 못했습니다. {e.Message}");
            }
        });
        // The server asks with emitWithAck; whatever goes to the callback is the answer.
        _socket.On("whoAreYou", async response =>
        {
            try
            {
                await response.CallbackAsync("C# 콘솔 클라이언트입니다.");
            }
            catch (Exception e)
            {
                _print($"오류: 대답하지 못했습니다. {e.Message}");
            }
        });

        _socket.OnConnected += (_, _) =>
        {
            _print($"연결되었습니다. (socket id {_socket.Id})");
            _connected.TrySetResult();
        };
        _socket.OnDisconnected += (_, reason) =>
        {
            _print($"연결이 끊겼습니다: {reason}");
            _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        };
        _socket.OnReconnectAttempt += (_, attempt) => _print($"다시 연결하는 중... ({attempt}번째 시도)");
        // Only after a failed try: SocketIOClient counts failures, so a first-try reconnection shows OnConnected alone.
        _socket.OnReconnected += (_, attempt) => _print($"{attempt}번째 시도에서 다시 연결되었습니다.");
        _socket.OnError += (_, error) => _print($"오류: {error}");
    }

    /// <summary>The socket id the server gave this client (changes after a reconnection).</summary>
    public string? Id => _socket.Id;

    /// <summary>Connects and waits until the server has accepted the namespace (ConnectAsync may return before that).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _socket.ConnectAsync().WaitAsync(cancellationToken);
        await _connected.Task.WaitAsync(cancellationToken);
    }

    /// <summary>An acknowledgement: emits <c>question</c> and returns what the server's handler returned.</summary>
    public async Task<string> AskAsync(string question, CancellationToken cancellationToken = default)
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.EmitAsync("question", cancellationToken, response => answer.TrySetResult(response.GetValue<string>()), question);
        }
        finally
        {
            _sending.Release();
        }
        return await answer.Task.WaitAsync(cancellationToken);
    }

    // One emit at a time, and none once we leave. Over long-polling each emit of SocketIOClient is a POST of its own;
    // an Engine.IO server (Node's too) refuses a POST while another is in progress ("data request overlap"), and an
    // emit racing DisconnectAsync fails inside SocketIOClient (a NullReferenceException).
    private async Task EmitAsync(string eventName, string data)
    {
        await _sending.WaitAsync();
        try
        {
            if (!_leaving) await _socket.EmitAsync(eventName, data);
        }
        finally
        {
            _sending.Release();
        }
    }

    public async Task DisconnectAsync()
    {
        await _sending.WaitAsync();
        try
        {
            _leaving = true;
            await _socket.DisconnectAsync();
        }
        finally
        {
            _sending.Release();
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sending.Dispose();
    }
}
