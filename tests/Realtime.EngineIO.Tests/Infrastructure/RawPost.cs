using System.Net.Sockets;
using System.Text;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// A polling POST written by hand on a raw TCP connection, so a test can do what HttpClient will not: announce a
/// <c>Content-Length</c> and send fewer bytes, trickle the body, or stop half-way.
/// </summary>
public sealed class RawPost : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _received = new byte[64 * 1024];
    private int _count;

    private RawPost(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Sends the headers of a POST to <paramref name="sid"/> announcing <paramref name="contentLength"/> bytes, then <paramref name="firstBytes"/>.</summary>
    public static async Task<RawPost> StartAsync(Uri baseAddress, string sid, long contentLength, string firstBytes, string path = "/engine.io/")
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var post = new RawPost(client);
        var head = $"POST {path}?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n" +
                   $"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {contentLength}\r\n\r\n{firstBytes}";
        await post.SendAsync(head);
        return post;
    }

    /// <summary>Sends more of the body; false when the server has closed the connection.</summary>
    public async Task<bool> SendAsync(string text)
    {
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The client ends its side (FIN): the body is over, short of what was announced.</summary>
    public void EndBody() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// The answer's status code, or null when the server closed (or reset) the connection without an answer.
    /// </summary>
    public async Task<int?> ReadStatusAsync()
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString(_received, 0, _count);
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end > 0) return int.Parse(text.Split(' ')[1]);
            int read;
            try
            {
                read = await _stream.ReadAsync(_received.AsMemory(_count));
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return null;
            }
            if (read == 0) return null;
            _count += read;
        }
    }

    /// <summary>Everything received so far (headers and body).</summary>
    public string Received => Encoding.UTF8.GetString(_received, 0, _count);

    /// <summary>Reads until the server ends the connection (FIN or reset).</summary>
    public async Task ClosedByServerAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
