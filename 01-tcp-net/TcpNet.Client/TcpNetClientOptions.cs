namespace TcpNet.Client;

/// <summary>How the bytes of a connection are cut into messages (see <c>Shared/MessageReader.cs</c>).</summary>
public enum Framing
{
    /// <summary>Like the post: each write is sent as is, each read is logged as it came. No message boundaries.</summary>
    Raw,

    /// <summary>Each message ends with <c>\n</c>; each whole line is logged once. Both ends must use it.</summary>
    Lines,
}

/// <summary>
/// Settings of <see cref="TcpNetClient"/>. Program.cs reads them from <c>appsettings.json</c> and the command line
/// (<c>--port 5001 --intervalMs 200 --framing lines --burst 3 --idleTimeoutMs 3000</c>).
/// </summary>
public sealed class TcpNetClientOptions
{
    /// <summary>Server host name or address. Default <c>localhost</c>, as <c>net.connect({ port: 5000 })</c> does.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Server port. Default 5000, as in the post.</summary>
    public int Port { get; set; } = 5000;

    /// <summary>How often the client writes <c>Hello~~ I am client.</c>, in milliseconds. Default 1000, as in the post.</summary>
    public int IntervalMs { get; set; } = 1000;

    /// <summary>
    /// Logs <c>connection timeout.</c> and closes when nothing arrives from the server for this long, in
    /// milliseconds (0: never). Default 10000. The post's <c>"timeout"</c> handler never fired because the original
    /// never called <c>socket.setTimeout</c>.
    /// </summary>
    public int IdleTimeoutMs { get; set; } = 10_000;

    /// <summary>Raw chunks (the post) or newline-delimited lines. Must match the server's.</summary>
    public Framing Framing { get; set; } = Framing.Raw;

    /// <summary>How many times the message is written back to back on each tick. Default 1; try 3 to watch writes merge.</summary>
    public int Burst { get; set; } = 1;

    /// <summary>With <see cref="Framing.Lines"/>: the longest line accepted from the server.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Talk UDP instead (<see cref="UdpNetClient"/>); the server must run with <c>--udp true</c> too.</summary>
    public bool Udp { get; set; }
}
