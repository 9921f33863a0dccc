namespace TcpNet.Server;

/// <summary>How the bytes of a connection are cut into messages (see <c>Shared/MessageReader.cs</c>).</summary>
public enum Framing
{
    /// <summary>Like the post: each write is sent as is, each read is logged as it came. No message boundaries.</summary>
    Raw,

    /// <summary>Each message ends with <c>\n</c>; each whole line is logged once. Both ends must use it.</summary>
    Lines,
}

/// <summary>
/// Settings of <see cref="TcpNetServer"/>. Program.cs reads them from <c>appsettings.json</c> and the command line
/// (<c>--port 0 --intervalMs 500 --framing lines</c>).
/// </summary>
public sealed class TcpNetServerOptions
{
    /// <summary>TCP port to listen on; 0 lets the OS pick a free one (read it from <see cref="TcpNetServer.Port"/>). Default 5000, as in the post.</summary>
    public int Port { get; set; } = 5000;

    /// <summary>Address to listen on, e.g. <c>127.0.0.1</c>. Empty: every interface, IPv4 and IPv6, like Node's <c>server.listen(5000)</c>.</summary>
    public string? Address { get; set; }

    /// <summary>How often each client gets <c>Hi, I am server</c>, in milliseconds. Default 2000, as in the post.</summary>
    public int IntervalMs { get; set; } = 2000;

    /// <summary>Raw chunks (the post) or newline-delimited lines.</summary>
    public Framing Framing { get; set; } = Framing.Raw;

    /// <summary>With <see cref="Framing.Lines"/>: the longest line accepted; a longer one closes that connection.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Serve over UDP instead (<see cref="UdpNetServer"/>): datagrams keep boundaries but have no connection.</summary>
    public bool Udp { get; set; }

    /// <summary>With <see cref="Udp"/>: stop greeting a client not heard from for this long, in milliseconds.</summary>
    public int UdpForgetAfterMs { get; set; } = 10_000;
}
