using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// A hand-driven Socket.IO client with no client library: HTTP long-polling through <see cref="HttpClient"/> and
/// WebSocket through <see cref="ClientWebSocket"/>. Each request, response, packet and frame is written to
/// <see cref="Wire"/> (<c>&gt;</c> client to server, <c>&lt;</c> server to client, one packet per line), and the
/// session id and socket id are registered with the scrubber as <c>{sid1}</c> and <c>{socket1}</c>.
/// </summary>
public sealed class SocketIOWire(Uri server, Scrubber scrubber) : IAsyncDisposable
{
    private const char RecordSeparator = '\x1e';   // between packets in one polling body
    private readonly HttpClient _http = new() { BaseAddress = server };
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private ClientWebSocket? _socket;
    private Task? _reading;

    public Transcript Wire { get; } = new();

    /// <summary>The Engine.IO session id from the handshake.</summary>
    public string? Sid { get; private set; }

    /// <summary>The Socket.IO socket id from the CONNECT answer.</summary>
    public string? SocketId { get; private set; }

    private string PollingPath => Sid is null ? "/socket.io/?EIO=4&transport=polling" : $"/socket.io/?EIO=4&transport=polling&sid={Sid}";

    /// <summary>Starts a polling GET (recorded now); its response is recorded when awaited with <see cref="ReceivePollAsync"/>.</summary>
    public Task<HttpResponseMessage> StartPoll()
    {
        Wire.Add($"> GET {PollingPath}");
        return _http.GetAsync(PollingPath);
    }

    /// <summary>Records a polling response: the status, then each packet of the body on its own line.</summary>
    public async Task<string[]> ReceivePollAsync(Task<HttpResponseMessage> poll)
    {
        using var response = await Wait.For(poll, "a polling response");
        var packets = (await response.Content.ReadAsStringAsync()).Split(RecordSeparator);
        Wire.Add($"< {(int)response.StatusCode} {response.ReasonPhrase}");
        foreach (var packet in packets)
        {
            Notice(packet);
            Wire.Add($"<   {packet}");
        }
        return packets;
    }

    public async Task<string[]> PollAsync() => await ReceivePollAsync(StartPoll());

    /// <summary>POSTs packets (several are joined with the record separator, as the clients do).</summary>
    public async Task PostAsync(params string[] packets)
    {
        Wire.Add($"> POST {PollingPath}");
        foreach (var packet in packets) Wire.Add($">   {packet}");
        using var response = await _http.PostAsync(PollingPath, new StringContent(string.Join(RecordSeparator, packets), Encoding.UTF8, "text/plain"));
        Wire.Add($"< {(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Opens the WebSocket: with the session id (an upgrade of the polling session) or without (WebSocket only).</summary>
    public async Task OpenWebSocketAsync()
    {
        var path = Sid is null ? "/socket.io/?EIO=4&transport=websocket" : $"/socket.io/?EIO=4&transport=websocket&sid={Sid}";
        Wire.Add($"> GET {path}   (Connection: Upgrade, Upgrade: websocket)");
        _socket = new ClientWebSocket();
        _socket.Options.CollectHttpResponseDetails = true;   // to show the 101
        var url = new UriBuilder(new Uri(server, path)) { Scheme = "ws" }.Uri;
        await Wait.For(_socket.ConnectAsync(url, CancellationToken.None), "the WebSocket handshake");
        Wire.Add($"< {(int)_socket.HttpStatusCode} Switching Protocols");
        _reading = ReadFramesAsync(_socket);
    }

    public async Task SendAsync(string frame)
    {
        Wire.Add($"> {frame}");
        await _socket!.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    /// <summary>The next frame, recorded.</summary>
    public async Task<string> ReceiveAsync()
    {
        var frame = await NextFrameAsync();
        Wire.Add($"< {frame}");
        return frame;
    }

    /// <summary>
    /// The next frame for which <paramref name="wanted"/> is true, recorded; frames before it are not recorded (news
    /// keeps arriving on a timer, so how many arrive in between depends on timing). A ping among them is answered.
    /// </summary>
    public async Task<string> ReceiveSkippingAsync(Func<string, bool> wanted)
    {
        while (true)
        {
            var frame = await NextFrameAsync();
            if (wanted(frame))
            {
                Wire.Add($"< {frame}");
                return frame;
            }
            if (frame == "2") await _socket!.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }
    }

    /// <summary>Closes the WebSocket with a close handshake.</summary>
    public async Task CloseWebSocketAsync()
    {
        Wire.Add("> (WebSocket close frame)");
        await _socket!.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await Wait.For(_reading!, "the server to close the WebSocket");
    }

    private async Task<string> NextFrameAsync()
    {
        var frame = await Wait.For(_frames.Reader.ReadAsync().AsTask(), "a WebSocket frame");
        Notice(frame);
        return frame;
    }

    // Engine.IO OPEN (0{"sid":...}) and Socket.IO CONNECT (40{"sid":...}) carry ids: scrub them wherever they appear.
    private void Notice(string packet)
    {
        if (packet.StartsWith("0{", StringComparison.Ordinal))
        {
            Sid = JsonDocument.Parse(packet[1..]).RootElement.GetProperty("sid").GetString()!;
            scrubber.Id(Sid, "sid");
        }
        else if (packet.StartsWith("40{", StringComparison.Ordinal))
        {
            SocketId = JsonDocument.Parse(packet[2..]).RootElement.GetProperty("sid").GetString()!;
            scrubber.Id(SocketId, "socket");
        }
    }

    private async Task ReadFramesAsync(ClientWebSocket socket)
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
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                await _frames.Writer.WriteAsync(Encoding.UTF8.GetString(message.ToArray()));
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket is { State: WebSocketState.Open }) _socket.Abort();
        if (_reading is not null) await _reading;
        _socket?.Dispose();
        _http.Dispose();
    }
}
