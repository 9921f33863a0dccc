using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Xunit;

namespace Realtime.Testing;

/// <summary>
/// One Engine.IO v4 WebSocket session of <see cref="EngineIOWire"/> (path <c>/socket.io/</c>), read in the background:
/// frames as they are on the wire. Answers the server's pings (<c>2</c> → <c>3</c>) by itself unless told not to,
/// and keeps them out of the received frames.
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
        var wire = await OpenAsync(baseAddress, $"EIO=4&transport=websocket{extraQuery}", answerPings);
        var open = await wire.ReceiveTextAsync();
        Assert.StartsWith("0{", open);
        return (wire, open);
    }

    /// <summary>
    /// Opens a WebSocket with the query as given (<c>&amp;sid=…</c> upgrades a polling session: no OPEN packet then)
    /// and starts reading it.
    /// </summary>
    public static async Task<WsWire> OpenAsync(Uri baseAddress, string query, bool answerPings = true)
    {
        using var engine = new EngineIOWire(baseAddress, "/socket.io/");
        var socket = await engine.ConnectAsync(query, options => options.CollectHttpResponseDetails = true);
        return new WsWire(socket, answerPings);
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

    /// <summary>The status of the handshake answer (101 Switching Protocols).</summary>
    public int HttpStatusCode => (int)_socket.HttpStatusCode;

    /// <summary>The state of the WebSocket (Open until either side closes it).</summary>
    public WebSocketState State => _socket.State;

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

    /// <summary>Starts the close handshake (a close frame with a normal status); <see cref="Closed"/> follows the server's answer.</summary>
    public Task CloseOutputAsync() => _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort() => _socket.Abort();

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
        return frame.Type == WebSocketMessageType.Text ? frame.Text : throw new Xunit.Sdk.XunitException("Expected a text frame, got " + frame);
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
                var frame = await EngineIOWire.ReadFrameAsync(_socket);
                if (frame.Type == WebSocketMessageType.Close) return;
                if (frame is { Type: WebSocketMessageType.Text, Text: "2" } && AnswerPings)
                {
                    await SendAsync("3");
                    continue;
                }
                _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server dropped the connection, or DisposeAsync aborted the socket.
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

/// <summary>
/// One Engine.IO v4 long-polling session of <see cref="EngineIOWire"/> (path <c>/socket.io/</c>): payloads as they
/// are on the wire (packets joined by <c>\x1e</c>).
/// </summary>
public sealed class PollingWire
{
    private readonly EngineIOWire _engine;

    private PollingWire(EngineIOWire engine, string sid)
    {
        _engine = engine;
        Sid = sid;
    }

    public string Sid { get; }

    /// <summary>Opens a session; returns the client and the open packet.</summary>
    public static async Task<(PollingWire Wire, string Open)> OpenAsync(HttpClient http, string extraQuery = "")
    {
        var engine = new EngineIOWire(http.BaseAddress!, "/socket.io/", http);
        var handshake = await engine.HandshakeAsync(extraQuery);
        return (new PollingWire(engine, handshake.Sid), handshake.Body);
    }

    /// <summary>POSTs the packets as one payload; returns the status code.</summary>
    public async Task<System.Net.HttpStatusCode> PostAsync(params string[] packets)
    {
        using var response = await _engine.PostAsync(Sid, string.Join(EngineIOWire.RecordSeparator, packets));
        return response.StatusCode;
    }

    /// <summary>GETs the next payload, split into packets; answers pings and leaves them out (unless none else came).</summary>
    public async Task<string[]> GetAsync()
    {
        while (true)
        {
            var (status, body) = await _engine.PollAsync(Sid);
            if (status != System.Net.HttpStatusCode.OK) throw new Xunit.Sdk.XunitException($"GET answered {(int)status}");
            var packets = body.Split(EngineIOWire.RecordSeparator);
            if (packets.Contains("2")) await PostAsync("3");
            var rest = packets.Where(p => p != "2").ToArray();
            if (rest.Length > 0) return rest;
        }
    }

    /// <summary>The status of a GET (400 once the session is gone).</summary>
    public async Task<System.Net.HttpStatusCode> GetStatusAsync() => (await _engine.PollAsync(Sid)).Status;
}
