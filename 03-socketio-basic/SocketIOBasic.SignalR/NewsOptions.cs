namespace SocketIOBasic.SignalR;

/// <summary>The "News" configuration section.</summary>
public sealed class NewsOptions
{
    public const string Section = "News";

    /// <summary>How often each client gets <c>news</c> (the post: <c>setInterval(..., 3000)</c>).</summary>
    public int IntervalMs { get; set; } = 3000;

    /// <summary>What <c>news</c> carries. The post's server says the name of its library ("Hello Socket.IO"); so does this one.</summary>
    public string Message { get; set; } = "Hello SignalR";
}
