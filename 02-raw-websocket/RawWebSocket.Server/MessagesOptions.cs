using System.ComponentModel.DataAnnotations;

namespace RawWebSocket.Server;

/// <summary>The "Messages" section of the configuration (appsettings.json, environment, command line).</summary>
public sealed class MessagesOptions
{
    public const string Section = "Messages";

    /// <summary>How often each client gets the server's message. Default 3000 ms, as the post's <c>setInterval</c>.</summary>
    [Range(1, int.MaxValue)]
    public int IntervalMs { get; set; } = 3000;

    /// <summary>What the server sends each time. Default: the post's "서버에서 클라이언트로 메시지를 보냅니다.".</summary>
    [Required, StringLength(1000, MinimumLength = 1)]
    public string Text { get; set; } = SocketHandler.ServerMessage;

    /// <summary>
    /// The largest message the server accepts from a client. A bigger one closes the connection with
    /// 1009 (MessageTooBig). Default 64 KiB (Node's <c>ws</c> allows 100 MiB, far more than a chat line needs).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;
}
