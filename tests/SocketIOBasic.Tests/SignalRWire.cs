using System.Net.WebSockets;
using System.Text;

namespace SocketIOBasic.Tests;

/// <summary>
/// Speaks SignalR's JSON hub protocol by hand over a bare <see cref="ClientWebSocket"/>, so a test can record exactly
/// what travels on the wire: JSON messages, each ended by the record separator 0x1E (shown as ␞ in transcripts).
/// </summary>
internal sealed class SignalRWire(ClientWebSocket socket) : IAsyncDisposable
{
    public const char RecordSeparator = '\u001e';
    private readonly StringBuilder _pending = new();
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();   // keeps a character split between two reads

    public ClientWebSocket Socket => socket;

    public static async Task<SignalRWire> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None);
        return new SignalRWire(socket);
    }

    public Task SendAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next hub message (without its separator), or null when the server closed the socket.</summary>
    public async Task<string?> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Realtime.Testing.Wait.DefaultTimeout);
        while (true)
        {
            var end = _pending.ToString().IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var message = _pending.ToString(0, end);
                _pending.Remove(0, end + 1);
                return message;
            }
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            var chars = new char[Encoding.UTF8.GetMaxCharCount(result.Count)];
            _pending.Append(chars, 0, _utf8.GetChars(buffer, 0, result.Count, chars, 0));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(Realtime.Testing.Wait.DefaultTimeout);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        socket.Dispose();
    }
}
