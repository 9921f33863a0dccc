using System.Net.WebSockets;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// One WebSocket message as it came off the wire: a text frame (an Engine.IO packet, its type digit first), a binary
/// frame (a raw byte attachment), or the server's close frame.
/// </summary>
public sealed record Frame(WebSocketMessageType Type, byte[] Data)
{
    /// <summary>The data read as UTF-8: the packet of a text frame (check <see cref="Type"/> for the others).</summary>
    public string Text => Encoding.UTF8.GetString(Data);

    /// <summary>The bytes of a binary frame; null for a text or close frame.</summary>
    public byte[]? Binary => Type == WebSocketMessageType.Binary ? Data : null;

    /// <summary>As a transcript shows it: the text, <c>&lt;binary 0102…&gt;</c>, or <c>&lt;close&gt;</c>.</summary>
    public override string ToString() => Type switch
    {
        WebSocketMessageType.Binary => "<binary " + Convert.ToHexString(Data).ToLowerInvariant() + ">",
        WebSocketMessageType.Close => "<close>",
        _ => Text,
    };
}
