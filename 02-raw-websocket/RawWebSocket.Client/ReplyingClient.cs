using System.Net.WebSockets;
using System.Text;

namespace RawWebSocket.Client;

/// <summary>
/// Does what the page does, with <see cref="ClientWebSocket"/>: connects, logs every message from the server and
/// answers each with a reply. When <c>stop</c> is cancelled (Ctrl+C) it closes politely (close frame 1000) and
/// waits for the server's close frame.
/// </summary>
public sealed class ReplyingClient(Uri server, Action<string> log, Action<ClientWebSocketOptions>? configure = null)
{
    public const string Reply = "클라이언트에서 서버로 답장을 보냅니다.";

    /// <summary>The largest message this client accepts from the server (bigger: close with 1009).</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    // One send at a time on a WebSocket: the replies and the closing frame take turns.
    private readonly SemaphoreSlim _sending = new(1, 1);

    public async Task RunAsync(CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(server, stop);           // GET with Upgrade: websocket → 101
        log("서버와 웹 소켓 연결에 성공하였습니다.");          // webSocket.onopen

        var receiving = ReceiveAsync(socket);
        var stopped = Task.Delay(Timeout.Infinite, stop);
        if (await Task.WhenAny(receiving, stopped) == stopped)
        {
            // Ctrl+C: send our close frame; the receive loop ends when the server answers with its own.
            await SendAsync(socket, s => s.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
        }
        await receiving;
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // webSocket.onclose. If the server spoke first, answer its close frame to finish the handshake.
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await SendAsync(socket, s => s.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None));
                    }
                    log($"웹 소켓 연결이 닫혔습니다. (code: {(int?)result.CloseStatus} {result.CloseStatus}{Describe(result.CloseStatusDescription)})");
                    return;
                }
                if (message.Length + result.Count > MaxMessageBytes)
                {
                    await SendAsync(socket, s => s.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "too big", CancellationToken.None));
                    continue; // keep reading until the server's close frame
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                log(text);                                   // webSocket.onmessage: console.log(event.data)
                if (socket.State == WebSocketState.Open)     // after our close frame we may still receive, not send
                {
                    await SendAsync(socket, s => s.SendAsync(Encoding.UTF8.GetBytes(Reply), WebSocketMessageType.Text, true, CancellationToken.None));
                }
            }
        }
        catch (WebSocketException e)
        {
            // webSocket.onerror: the server vanished (killed, network lost) without a close frame.
            log($"웹 소켓 오류: {e.Message}");
        }
    }

    private async Task SendAsync(ClientWebSocket socket, Func<ClientWebSocket, Task> send)
    {
        await _sending.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await send(socket);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private static string Describe(string? reason) => string.IsNullOrEmpty(reason) ? "" : ", " + reason;
}
