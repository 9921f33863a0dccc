using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>One WebSocket message as it came off the wire.</summary>
public sealed record Frame(WebSocketMessageType Type, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public override string ToString() => Type == WebSocketMessageType.Binary
        ? "<binary " + Convert.ToHexString(Data).ToLowerInvariant() + ">"
        : Type == WebSocketMessageType.Close ? "<close>" : Text;
}

/// <summary>The handshake answer of a polling session.</summary>
public sealed record Handshake(string Sid, string Body, HttpResponseMessage Response)
{
    public JsonElement Json => JsonDocument.Parse(Body[1..]).RootElement;
}

/// <summary>
/// A raw Engine.IO client: plain HttpClient requests and ClientWebSocket frames, no Engine.IO library.
/// Every request and answer can be recorded in a <see cref="Transcript"/>.
/// </summary>
public sealed class EioWire(Uri baseAddress, string path = "/engine.io/") : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false });

    /// <summary>When set, requests, answers and frames are written here.</summary>
    public Transcript? Record { get; set; }

    public Uri Url(string query) => new(baseAddress, path + "?" + query);

    public static string Show(string text) => text.Replace("\x1e", "\\x1e", StringComparison.Ordinal);

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
            foreach (var packet in body.Split('\x1e'))
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

    public async Task<ClientWebSocket> ConnectAsync(string query, Action<ClientWebSocketOptions>? configure = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(ws.Options);
        var uri = new UriBuilder(Url(query)) { Scheme = "ws" }.Uri;
        await Wait.For(ws.ConnectAsync(uri, CancellationToken.None), "the WebSocket to connect");
        Record?.Add($"WS   ?{Scrub(query)} → connected");
        return ws;
    }

    private static string Scrub(string query) => query;

    /// <summary>Receives one whole message (or the close frame).</summary>
    public async Task<Frame> ReceiveAsync(ClientWebSocket ws)
    {
        var frame = await Wait.For(ReceiveCoreAsync(ws), "a WebSocket frame");
        Record?.Add("ws < " + Show(frame.ToString()));
        return frame;
    }

    private static async Task<Frame> ReceiveCoreAsync(ClientWebSocket ws)
    {
        var (type, data) = await ws.ReceiveMessageAsync();
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
        Record?.Add("ws > <binary " + Convert.ToHexString(data).ToLowerInvariant() + ">");
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

    public void Dispose() => Http.Dispose();
}
