using System.Net.WebSockets;

namespace Realtime.Testing;

/// <summary>Reading a WebSocket the way a test wants it: one whole message at a time.</summary>
public static class WebSocketMessages
{
    /// <summary>
    /// The next whole message, however many frames and reads it arrives in (a read returns at most what fits in the
    /// buffer, and a sender may fragment). When the peer closes, the type is <see cref="WebSocketMessageType.Close"/>
    /// and the data is empty.
    /// </summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(
        this WebSocket socket, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return (WebSocketMessageType.Close, []);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }
}
