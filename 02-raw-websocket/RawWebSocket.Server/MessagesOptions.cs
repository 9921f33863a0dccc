using System.ComponentModel.DataAnnotations;

namespace RawWebSocket.Server;

/// <summary>The "Messages" section of the configuration (appsettings.json, environment, command line).</summary>
public sealed class MessagesOptions
{
    public const string Section = "Messages";

    /// <summary>How often each client gets the server's message. Default 3000 ms, as the post's <c>setInterval</c>.</summary>
    [Range(1, int.MaxValue)]
    public int IntervalMs { get; set; } = 3000;

    /// <summary>
    /// The largest message the server accepts from a client. A bigger one closes the connection with
    /// 1009 (MessageTooBig). Default 64 KiB (Node's <c>ws</c> allows 100 MiB, far more than a chat line needs).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;
}
