using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Infrastructure;

/// <summary>One WebSocket frame as received: text (with Engine.IO's type digit) or binary.</summary>
public sealed record Frame(string? Text, byte[]? Binary)
{
    public override string ToString() => Text ?? "<binary " + Convert.ToHexString(Binary!) + ">";
}

/// <summary>
/// A raw Engine.IO v4 WebSocket client (no client library): frames as they are on the wire. Answers the server's
/// pings (<c>2</c> → <c>3</c>) by itself unless told not to, and keeps them out of the received frames.
/// </summary>
public sealed class WsWire : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private WsWire(ClientWebSocket socket, bool answerPings)
    {
        _socket = socket;
        AnswerPings = answerPings;
        _ = ReceiveLoopAsync();
    }

    public bool AnswerPings { get; set; }

    /// <summary>Opens <c>/socket.io/?EIO=4&amp;transport=websocket</c> and reads the Engine.IO open packet.</summary>
    public static async Task<(WsWire Wire, string Open)> ConnectAsync(Uri baseAddress, string extraQuery = "", bool answerPings = true)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri($"ws://{baseAddress.Authority}/socket.io/?EIO=4&transport=websocket{extraQuery}");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(uri, cts.Token);
        var wire = new WsWire(socket, answerPings);
        var open = await wire.ReceiveTextAsync();
        Assert.StartsWith("0{", open);
        return (wire, open);
    }

    /// <summary>Connects and joins the main namespace; returns the socket id from <c>40{"sid":…}</c>.</summary>
    public static async Task<(WsWire Wire, string SocketId)> ConnectMainAsync(Uri baseAddress, string connect = "40")
    {
        var (wire, _) = await ConnectAsync(baseAddress);
        await wire.SendAsync(connect);
        var reply = await wire.ReceiveTextAsync();
        Assert.StartsWith("40{\"sid\":\"", reply);
        return (wire, reply["40{\"sid\":\"".Length..^2]);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(byte[] data) => SendAsync(data, WebSocketMessageType.Binary);

    private async Task SendAsync(byte[] data, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(data, type, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next frame (pings excluded when answered automatically); fails after 15 s or if the connection closed.</summary>
    public async Task<Frame> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException("The connection closed while a frame was expected");
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("No frame within the timeout");
        }
    }

    public async Task<string> ReceiveTextAsync()
    {
        var frame = await ReceiveAsync();
        return frame.Text ?? throw new Xunit.Sdk.XunitException("Expected a text frame, got " + frame);
    }

    public async Task<byte[]> ReceiveBinaryAsync()
    {
        var frame = await ReceiveAsync();
        return frame.Binary ?? throw new Xunit.Sdk.XunitException("Expected a binary frame, got " + frame);
    }

    /// <summary>Completes when the server closed the WebSocket (or the connection broke).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Waits until the server closes the connection, collecting the frames that came before.</summary>
    public async Task<List<Frame>> WaitClosedAsync(TimeSpan? timeout = null)
    {
        await Wait.For(_closed.Task, "the server to close the connection", timeout);
        var frames = new List<Frame>();
        while (_frames.Reader.TryRead(out var frame)) frames.Add(frame);
        return frames;
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var (type, data) = await _socket.ReceiveMessageAsync();
                if (type == WebSocketMessageType.Close) return;
                if (type == WebSocketMessageType.Text)
                {
                    var text = Encoding.UTF8.GetString(data);
                    if (text == "2" && AnswerPings)
                    {
                        await SendAsync("3");
                        continue;
                    }
                    _frames.Writer.TryWrite(new Frame(text, null));
                }
                else
                {
                    _frames.Writer.TryWrite(new Frame(null, data));
                }
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}

/// <summary>A raw Engine.IO v4 long-polling client: payloads as they are on the wire (records joined by \x1e).</summary>
public sealed class PollingWire(HttpClient http, string sid)
{
    public string Sid { get; } = sid;

    private string Url => $"/socket.io/?EIO=4&transport=polling&sid={Sid}";

    /// <summary>Opens a session; returns the client and the open packet.</summary>
    public static async Task<(PollingWire Wire, string Open)> OpenAsync(HttpClient http, string extraQuery = "")
    {
        var open = await http.GetStringAsync($"/socket.io/?EIO=4&transport=polling{extraQuery}");
        Assert.StartsWith("0{\"sid\":\"", open);
        var sid = open["0{\"sid\":\"".Length..open.IndexOf('"', "0{\"sid\":\"".Length)];
        return (new PollingWire(http, sid), open);
    }

    /// <summary>POSTs the packets as one payload; returns the status code.</summary>
    public async Task<System.Net.HttpStatusCode> PostAsync(params string[] packets)
    {
        using var content = new StringContent(string.Join('\x1e', packets), Encoding.UTF8, "text/plain");
        using var response = await http.PostAsync(Url, content);
        return response.StatusCode;
    }

    /// <summary>GETs the next payload, split into packets; answers pings and leaves them out (unless none else came).</summary>
    public async Task<string[]> GetAsync()
    {
        while (true)
        {
            using var response = await http.GetAsync(Url);
            if (!response.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"GET answered {(int)response.StatusCode}");
            var packets = (await response.Content.ReadAsStringAsync()).Split('\x1e');
            if (packets.Contains("2")) await PostAsync("3");
            var rest = packets.Where(p => p != "2").ToArray();
            if (rest.Length > 0) return rest;
        }
    }

    /// <summary>The status of a GET (400 once the session is gone).</summary>
    public async Task<System.Net.HttpStatusCode> GetStatusAsync()
    {
        using var response = await http.GetAsync(Url);
        return response.StatusCode;
    }
}
