using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace RawWebSocket.Server;

/// <summary>
/// The book's socket.js in C#: one call of <see cref="HandleAsync"/> per connected client. No thread per client:
/// an async receive loop waits for the client's messages and a <see cref="PeriodicTimer"/> sends the server's.
/// </summary>
/// <remarks>
/// A WebSocket is always in one of four ready states (the browser's <c>webSocket.readyState</c>, the <c>ws</c>
/// module's <c>ws.readyState</c>); .NET's <see cref="WebSocketState"/> splits two of them:
/// <code>
///   0 CONNECTING  None, Connecting           handshake not finished yet
///   1 OPEN        Open                       messages can go both ways: the only state in which to send
///   2 CLOSING     CloseSent, CloseReceived   one side has sent its close frame, the other has not answered yet
///   3 CLOSED      Closed, Aborted            closed politely (both close frames) or dropped (no handshake)
/// </code>
/// </remarks>
public sealed class SocketHandler(
    ILoggerFactory loggers, IOptions<MessagesOptions> options, ClientTimers timers, IHostApplicationLifetime lifetime)
{
    public const string ServerMessage = "서버에서 클라이언트로 메시지를 보냅니다.";

    // The category reads like the file of the post: "info: socket[1] 새로운 클라이언트 접속 (ip: ::1)".
    private readonly ILogger _log = loggers.CreateLogger("socket");

    /// <summary>A request for "/" that asks to be upgraded to a WebSocket (<c>Upgrade: websocket</c>).</summary>
    public static bool WantsWebSocket(HttpContext context) =>
        context.Request.Path == "/" &&
        (context.WebSockets.IsWebSocketRequest ||
         context.Request.Headers.Upgrade.Any(u => "websocket".Equals(u, StringComparison.OrdinalIgnoreCase)));

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RejectHandshakeAsync(context);
            return;
        }

        // Behind a proxy the client's address is in X-Forwarded-For ("client, proxy1, …"), else it is the peer's.
        // Anyone can send this header: trust it only behind your own proxy (ASP.NET Core: UseForwardedHeaders).
        var ip = context.Request.Headers["X-Forwarded-For"].ToString().Split(',')[0].Trim() is { Length: > 0 } forwarded
            ? forwarded
            : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

        // Answers "101 Switching Protocols"; from here on the TCP connection carries WebSocket frames, not HTTP.
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Log.Connected(_log, ip);

        // ws.interval = setInterval(…, 3000): a timer per client, which waits without holding a thread.
        var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.IntervalMs));
        timers.Started();
        var sending = SendMessagesAsync(socket, timer, context.RequestAborted);
        async Task StopTimerAsync()       // clearInterval(ws.interval)
        {
            timer.Dispose();              // the pending tick returns false and the send loop ends
            await sending;
        }

        try
        {
            await ReceiveMessagesAsync(socket, ip, StopTimerAsync, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // ws.on("error"): typically the client vanished without a close frame (tab killed, network lost),
            // which surfaces as one of several exceptions depending on timing; a protocol error keeps its message.
            var error = e switch
            {
                // A frame that breaks the protocol: .NET answers with a close frame (1007 for a text frame that is
                // not UTF-8, 1002 for other protocol errors) and drops the connection.
                WebSocketException { WebSocketErrorCode: WebSocketError.Faulted } =>
                    "잘못된 프레임(UTF-8이 아닌 텍스트 등): 연결을 닫습니다.",
                WebSocketException { WebSocketErrorCode: var code } when
                    code is not (WebSocketError.ConnectionClosedPrematurely or WebSocketError.InvalidState) =>
                    $"{code}: {e.Message}",
                _ => "close 프레임 없이 연결이 끊어졌습니다.",
            };
            Log.SocketError(_log, ip, error);
        }
        finally
        {
            await StopTimerAsync();
            timers.Stopped();
            Log.Disconnected(_log, ip); // ws.on("close")
        }
    }

    /// <summary>Every tick, while the socket is OPEN, sends the server's message. The only place that sends data.</summary>
    private async Task SendMessagesAsync(WebSocket socket, PeriodicTimer timer, CancellationToken aborted)
    {
        var message = Encoding.UTF8.GetBytes(options.Value.Text);
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping))
            {
                if (socket.State == WebSocketState.Open) // if (ws.readyState === ws.OPEN)
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, aborted);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The server is shutting down: say goodbye with 1001 instead of dropping the connection.
            await TryAsync(() => socket.CloseOutputAsync(
                WebSocketCloseStatus.EndpointUnavailable, "server is shutting down", aborted));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The connection broke while sending; the receive loop reports it.
        }
    }

    /// <summary>ws.on("message"): logs each message until the client closes (or breaks a rule).</summary>
    private async Task ReceiveMessagesAsync(WebSocket socket, string ip, Func<Task> stopTimer, CancellationToken aborted)
    {
        var max = options.Value.MaxMessageBytes;
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            // A message may arrive in several frames (and several reads): collect until EndOfMessage.
            var result = await socket.ReceiveAsync(buffer, aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // The client said goodbye: stop sending, then answer its close frame (the closing handshake).
                await stopTimer();
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure,
                        result.CloseStatusDescription, aborted);
                }
                return;
            }
            if (message.Length + result.Count > max)
            {
                // Too big: refuse it clearly (close code 1009) instead of buffering without end.
                Log.MessageTooBig(_log, ip, max);
                await stopTimer();
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                patience.CancelAfter(TimeSpan.FromSeconds(5));
                await TryAsync(() => socket.CloseAsync(WebSocketCloseStatus.MessageTooBig,
                    $"message larger than {max} bytes", patience.Token));
                return;
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }
            if (result.MessageType == WebSocketMessageType.Text)
            {
                Log.MessageReceived(_log, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            }
            else
            {
                Log.BinaryReceived(_log, ip, message.Length);
            }
            message.SetLength(0);
        }
    }

    /// <summary>"Upgrade: websocket" without a valid handshake: say what is wrong instead of serving the page.</summary>
    private Task RejectHandshakeAsync(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var version = context.Request.Headers.SecWebSocketVersion.ToString();
        if (version.Length > 0 && version != "13")
        {
            Log.BadHandshake(_log, ip, StatusCodes.Status426UpgradeRequired);
            // RFC 6455 §4.4: an unsupported version gets 426 and the version(s) the server speaks.
            context.Response.Headers.SecWebSocketVersion = "13";
            return WritePlainAsync(context, StatusCodes.Status426UpgradeRequired,
                "Unsupported Sec-WebSocket-Version: this server speaks version 13.");
        }
        Log.BadHandshake(_log, ip, StatusCodes.Status400BadRequest);
        return WritePlainAsync(context, StatusCodes.Status400BadRequest,
            "Bad WebSocket handshake: expected GET with Connection: Upgrade, Upgrade: websocket, " +
            "Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key (16 random bytes in base64).");
    }

    private static Task WritePlainAsync(HttpContext context, int status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static async Task TryAsync(Func<Task> close)
    {
        try
        {
            await close();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The other side is already gone; nothing more to say.
        }
    }
}
