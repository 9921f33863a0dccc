using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// A Socket.IO client written by hand, no client library: one <see cref="ClientWebSocket"/> speaking Engine.IO v4 and
/// Socket.IO v5 text frames. Each frame it sends or receives is written to a shared transcript as <c>A &gt; frame</c>
/// or <c>A &lt; frame</c> (A being the client's name). The Engine.IO session id (<c>0{"sid":…}</c>) and each socket
/// id (<c>40{"sid":…}</c>, <c>40/goods,{"sid":…}</c>) are registered with the scrubber as <c>{sid1}</c>,
/// <c>{socket1}</c>, … in the order they appear.
/// </summary>
/// <remarks>
/// Frames are read only when the test asks (<see cref="ReceiveAsync"/>, <see cref="ReceiveUntilAsync"/>), so the
/// transcript lists them in the order the test reads them, whatever the timing. A ping ("2") is answered ("3")
/// without being recorded: whether one falls inside a test depends on timing.
/// </remarks>
public sealed class SocketIOWireClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly Transcript _wire;
    private readonly Scrubber _scrubber;
    private readonly Dictionary<string, string> _socketIds = new(StringComparer.Ordinal);
    private Task? _reading;
    private int _ackId;

    private SocketIOWireClient(string name, Transcript wire, Scrubber scrubber)
    {
        Name = name;
        _wire = wire;
        _scrubber = scrubber;
    }

    public string Name { get; }

    /// <summary>The Engine.IO session id: one per connection, whatever the namespaces on it.</summary>
    public string Sid { get; private set; } = "";

    /// <summary>The socket id in the main namespace "/" (after <see cref="ConnectNamespaceAsync"/> with "/").</summary>
    public string Id => SocketId("/");

    /// <summary>The socket id of <paramref name="nsp"/>: a different one per namespace.</summary>
    public string SocketId(string nsp) => _socketIds[nsp];

    /// <summary>Opens the WebSocket (WebSocket only, no polling) and reads the Engine.IO OPEN packet.</summary>
    public static async Task<SocketIOWireClient> OpenAsync(Uri server, string name, Transcript wire, Scrubber scrubber)
    {
        var client = new SocketIOWireClient(name, wire, scrubber);
        const string path = "/socket.io/?EIO=4&transport=websocket";
        client.Record('>', $"GET {path}   (Connection: Upgrade, Upgrade: websocket)");
        client._socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(new Uri(server, path)) { Scheme = "ws" }.Uri;
        await Wait.For(client._socket.ConnectAsync(url, CancellationToken.None), "the WebSocket handshake");
        client.Record('<', $"{(int)client._socket.HttpStatusCode} Switching Protocols");
        client._reading = client.ReadFramesAsync();
        var open = await client.ReceiveAsync();
        if (!open.StartsWith("0{", StringComparison.Ordinal)) throw new InvalidOperationException($"Expected the Engine.IO OPEN packet, got {open}");
        return client;
    }

    /// <summary>Sends CONNECT (<c>40</c> for "/", <c>40/goods,</c> for a namespace) and reads the answer.</summary>
    public async Task ConnectNamespaceAsync(string nsp = "/")
    {
        await SendAsync(nsp == "/" ? "40" : $"40{nsp},");
        var answer = await ReceiveAsync();
        if (!_socketIds.ContainsKey(nsp)) throw new InvalidOperationException($"Expected CONNECT for {nsp}, got {answer}");
    }

    /// <summary>The next acknowledgement id this client puts in an event (<c>42&lt;id&gt;[…]</c>).</summary>
    public int NextAckId() => ++_ackId;

    /// <summary>Sends an EVENT <c>42[name, ...args]</c> (JSON written by the test) with an ack id; returns the id.</summary>
    public async Task<int> EmitWithAckAsync(string arrayJson, string nsp = "/")
    {
        var id = NextAckId();
        await SendAsync($"42{(nsp == "/" ? "" : nsp + ",")}{id}{arrayJson}");
        return id;
    }

    public async Task SendAsync(string frame)
    {
        Record('>', frame);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    /// <summary>The next frame (pings answered and skipped), recorded.</summary>
    public async Task<string> ReceiveAsync()
    {
        while (true)
        {
            var frame = await Wait.For(_frames.Reader.ReadAsync().AsTask(), $"a WebSocket frame for {Name}");
            if (frame == "2")
            {
                await _socket.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                continue;
            }
            Notice(frame);
            Record('<', frame);
            return frame;
        }
    }

    /// <summary>Frames up to and including the first one containing <paramref name="text"/>, each recorded.</summary>
    public async Task<List<string>> ReceiveUntilAsync(string text)
    {
        var frames = new List<string>();
        string frame;
        do
        {
            frame = await ReceiveAsync();
            frames.Add(frame);
        } while (!frame.Contains(text, StringComparison.Ordinal));
        return frames;
    }

    /// <summary>Closes the WebSocket with a close handshake and waits for the server's close.</summary>
    public async Task CloseAsync()
    {
        Record('>', "(WebSocket close frame)");
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await Wait.For(_reading!, $"the server to close {Name}'s WebSocket");
    }

    private void Record(char direction, string text) => _wire.Add($"{Name} {direction} {text}");

    // Engine.IO OPEN carries the session id; Socket.IO CONNECT answers carry the socket id of their namespace.
    private void Notice(string frame)
    {
        if (frame.StartsWith("0{", StringComparison.Ordinal))
        {
            Sid = SidOf(frame[1..]);
            _scrubber.Id(Sid, "sid");
        }
        else if (frame.StartsWith("40", StringComparison.Ordinal) && frame.IndexOf('{') is var brace and > 0)
        {
            var nsp = frame[2] == '/' ? frame[2..frame.IndexOf(',')] : "/";
            var id = SidOf(frame[brace..]);
            _socketIds[nsp] = id;
            _scrubber.Id(id, "socket");
        }
    }

    private static string SidOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("sid").GetString()!;

    private async Task ReadFramesAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                await _frames.Writer.WriteAsync(Encoding.UTF8.GetString(message.ToArray()));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server closed without a close handshake, or DisposeAsync aborted the socket.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open) _socket.Abort();
        if (_reading is not null) await _reading;
        _socket.Dispose();
    }
}
