using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Realtime.Testing;

/// <summary>The handshake answer of a polling session.</summary>
public sealed record Handshake(string Sid, string Body, HttpResponseMessage Response)
{
    public JsonElement Json => JsonDocument.Parse(Body[1..]).RootElement;
}

/// <summary>
/// The raw Engine.IO v4 client every test reaches the wire with: plain <see cref="HttpClient"/> requests for
/// long-polling and <see cref="ClientWebSocket"/> frames, no Engine.IO library. What a test sends is what travels.
/// </summary>
/// <remarks>
/// <para>
/// Long-polling: a GET without <c>sid</c> is the handshake (the answer is the OPEN packet, <c>0{"sid":…}</c>); then
/// GET <c>?sid=…</c> waits for the server's packets and POST <c>?sid=…</c> carries the client's, several in one body
/// joined by the record separator <c>\x1e</c>. WebSocket: one packet per frame, binary attachments as binary frames.
/// </para>
/// <para>
/// The same requests serve the Engine.IO tests (path <c>/engine.io/</c>, the tests' own server) and the Socket.IO
/// tests (path <c>/socket.io/</c>): <see cref="WsWire"/>, <see cref="PollingWire"/> and <see cref="SocketIOWire"/>
/// are one session each, built on this client.
/// </para>
/// </remarks>
/// <param name="server">The server's base address (<c>http://127.0.0.1:port/</c>).</param>
/// <param name="path">Where the server answers Engine.IO requests.</param>
/// <param name="http">An HttpClient to send with (not disposed here); by default the client makes its own.</param>
public sealed class EngineIOWire(Uri server, string path = "/engine.io/", HttpClient? http = null) : IDisposable
{
    /// <summary>The record separator between the packets of one polling body.</summary>
    public const char RecordSeparator = '\x1e';

    private readonly bool _ownsHttp = http is null;

    public HttpClient Http { get; } = http ?? new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false });

    /// <summary>When set, requests, answers and frames are written here.</summary>
    public Transcript? Record { get; set; }

    public Uri Url(string query) => new(server, path + "?" + query);

    /// <summary>A polling body as a transcript shows it: the record separator written <c>\x1e</c>.</summary>
    public static string Show(string text) => text.Replace("\x1e", "\\x1e", StringComparison.Ordinal);

    // ---- HTTP long-polling ----

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string query, string? body = null,
        string? contentType = "text/plain;charset=UTF-8", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, Url(query));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        var response = await Http.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string query, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, query, cancellationToken: cancellationToken);

    /// <summary>Opens a polling session and checks the answer is a handshake.</summary>
    public async Task<Handshake> HandshakeAsync(string extraQuery = "")
    {
        var response = await GetAsync("EIO=4&transport=polling" + extraQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{", body);
        var sid = JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!;
        Record?.Add($"GET  ?EIO=4&transport=polling → {(int)response.StatusCode} {Show(body)}");
        return new Handshake(sid, body, response);
    }

    /// <summary>One long-poll: its status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PollAsync(string sid, CancellationToken cancellationToken = default)
    {
        var response = await GetAsync($"EIO=4&transport=polling&sid={sid}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Record?.Add($"GET  ?sid → {(int)response.StatusCode} {Show(body)}");
        return (response.StatusCode, body);
    }

    /// <summary>POSTs a payload: one packet, or several joined by <see cref="RecordSeparator"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string sid, string payload)
    {
        var response = await SendAsync(HttpMethod.Post, $"EIO=4&transport=polling&sid={sid}", payload);
        Record?.Add($"POST ?sid {Show(payload)} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    /// <summary>
    /// Polls until a packet matching <paramref name="until"/> arrives; answers the server's pings with pongs on the way.
    /// Returns every packet received except pings.
    /// </summary>
    public async Task<List<string>> PollUntilAsync(string sid, Func<string, bool> until, int maxPolls = 50)
    {
        var packets = new List<string>();
        for (var i = 0; i < maxPolls; i++)
        {
            var (status, body) = await Wait.For(PollAsync(sid), "a long-poll answer");
            Assert.Equal(HttpStatusCode.OK, status);
            var found = false;
            foreach (var packet in body.Split(RecordSeparator))
            {
                if (packet == "2")
                {
                    Assert.Equal(HttpStatusCode.OK, (await PostAsync(sid, "3")).StatusCode);
                    continue;
                }
                packets.Add(packet);
                found |= until(packet);
            }
            if (found) return packets;
        }
        throw new Xunit.Sdk.XunitException($"no matching packet in {maxPolls} polls; got: {string.Join(" | ", packets)}");
    }

    // ---- WebSocket: one packet per frame ----

    /// <summary>
    /// Opens a WebSocket (<c>EIO=4&amp;transport=websocket</c>, with <c>&amp;sid=…</c> to upgrade a polling session).
    /// The socket is the test's: frames are read only when the test asks. With <paramref name="invoker"/>, the
    /// handshake goes through it (an HTTP/2 extended CONNECT needs one).
    /// </summary>
    public async Task<ClientWebSocket> ConnectAsync(string query, Action<ClientWebSocketOptions>? configure = null, HttpMessageInvoker? invoker = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(ws.Options);
        var uri = new UriBuilder(Url(query)) { Scheme = "ws" }.Uri;
        await Wait.For(ws.ConnectAsync(uri, invoker, CancellationToken.None), "the WebSocket to connect");
        Record?.Add($"WS   ?{query} → connected");
        return ws;
    }

    /// <summary>Receives one whole message (or the close frame).</summary>
    public async Task<Frame> ReceiveAsync(ClientWebSocket ws)
    {
        var frame = await Wait.For(ReadFrameAsync(ws), "a WebSocket frame");
        Record?.Add("ws < " + Show(frame.ToString()));
        return frame;
    }

    /// <summary>The next whole message, unrecorded and with no time limit: what a background reader loops on.</summary>
    public static async Task<Frame> ReadFrameAsync(WebSocket ws, CancellationToken cancellationToken = default)
    {
        var (type, data) = await ws.ReceiveMessageAsync(cancellationToken);
        return new Frame(type, data);
    }

    /// <summary>Receives the next frame that is not a ping; answers pings with pongs.</summary>
    public async Task<Frame> ReceiveSkippingPingsAsync(ClientWebSocket ws)
    {
        while (true)
        {
            var frame = await ReceiveAsync(ws);
            if (frame.Type != WebSocketMessageType.Text || frame.Text != "2") return frame;
            await SendTextAsync(ws, "3");
        }
    }

    public async Task SendTextAsync(ClientWebSocket ws, string text)
    {
        Record?.Add("ws > " + text);
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    public async Task SendBinaryAsync(ClientWebSocket ws, byte[] data)
    {
        Record?.Add("ws > " + new Frame(WebSocketMessageType.Binary, data));
        await ws.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);
    }

    /// <summary>Reads frames until the server closes the WebSocket (or the connection drops); returns the close status.</summary>
    public static async Task<WebSocketCloseStatus?> WaitForCloseAsync(ClientWebSocket ws)
    {
        async Task<WebSocketCloseStatus?> Drain()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await ws.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return result.CloseStatus;
                }
            }
            catch (WebSocketException)
            {
                return null;
            }
        }
        return await Wait.For(Drain(), "the server to close the WebSocket");
    }

    public void Dispose()
    {
        if (_ownsHttp) Http.Dispose();
    }
}
