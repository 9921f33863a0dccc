using System.Net.WebSockets;
using System.Text.Json;

namespace Realtime.Testing;

/// <summary>What <see cref="SocketIOWire"/> does with the Engine.IO PING frames (<c>2</c>) the server sends on its WebSocket.</summary>
public enum PingFrames
{
    /// <summary>
    /// The default, for tests about something else: the client answers each ping with a PONG (<c>3</c>) and neither
    /// records it nor hands it to the test. Whether a ping falls inside a test depends on timing, so a snapshot that
    /// showed them would not be stable.
    /// </summary>
    AnsweredAndSkipped,

    /// <summary>
    /// For a test that shows the heartbeat: a ping is a frame like any other. <see cref="SocketIOWire.ReceiveAsync"/>
    /// returns and records it, and the test answers it itself (<c>SendAsync("3")</c>), so the PONG is on the record
    /// too. <see cref="SocketIOWire.ReceiveSkippingAsync"/> hands pings to its filter; one the filter passes over is
    /// answered for the test, which never sees it.
    /// </summary>
    Recorded,
}

/// <summary>
/// A Socket.IO client written by hand, with no client library, so that a test shows every packet that travels:
/// Engine.IO v4 over HTTP long-polling and over WebSocket (the requests of <see cref="EngineIOWire"/>, the frames of
/// <see cref="WsWire"/>), with Socket.IO v5 text packets inside. This layer adds what Socket.IO puts on top: namespaces,
/// socket ids, acknowledgement ids, and the transcript. Each request, response and frame is written to
/// <see cref="Wire"/>, one packet per line: <c>&gt; frame</c> is one the client sends, <c>&lt; frame</c> one it
/// receives (the packets of a polling body are indented under their request or response). A client with a name writes
/// <c>A &gt; frame</c>, so several clients can share one transcript.
/// </summary>
/// <remarks>
/// <para>
/// Ids change from run to run, so they are registered with the scrubber as they appear: the Engine.IO session id
/// (OPEN, <c>0{"sid":…}</c>) as <c>{sid1}</c>, <c>{sid2}</c>, … and each socket id (CONNECT answers,
/// <c>40{"sid":…}</c> for the main namespace "/", <c>40/goods,{"sid":…}</c> for /goods) as <c>{socket1}</c>, ….
/// </para>
/// <para>
/// WebSocket frames are read only when the test asks (<see cref="ReceiveAsync"/> and friends), so the transcript
/// lists them in the order the test reads them, whatever the timing. Pings are answered and skipped unless the
/// client is made with <see cref="PingFrames.Recorded"/>.
/// </para>
/// </remarks>
/// <param name="server">The server's base address (<c>http://127.0.0.1:port/</c>).</param>
/// <param name="scrubber">Gets the session and socket ids as they appear.</param>
/// <param name="name">The client's name in front of each of its lines; none (no prefix) for a test's only client.</param>
/// <param name="wire">A transcript shared with other clients and the test; by default the client has its own.</param>
/// <param name="pings">Whether pings are answered and skipped (the default) or recorded for the test to answer.</param>
public sealed class SocketIOWire(Uri server, Scrubber scrubber, string? name = null, Transcript? wire = null,
    PingFrames pings = PingFrames.AnsweredAndSkipped) : IAsyncDisposable
{
    private readonly EngineIOWire _engine = new(server, "/socket.io/");
    private readonly Dictionary<string, string> _socketIds = new(StringComparer.Ordinal);
    private WsWire? _socket;
    private int _ackId;

    /// <summary>
    /// A WebSocket-only client (the client option <c>transports: ["websocket"]</c>): the WebSocket is open and the
    /// Engine.IO OPEN packet read and recorded; next comes <see cref="ConnectNamespaceAsync"/>.
    /// </summary>
    public static async Task<SocketIOWire> OpenAsync(Uri server, Scrubber scrubber, string? name = null, Transcript? wire = null,
        PingFrames pings = PingFrames.AnsweredAndSkipped)
    {
        var client = new SocketIOWire(server, scrubber, name, wire, pings);
        await client.OpenWebSocketAsync();
        var open = await client.ReceiveAsync();
        if (!open.StartsWith("0{", StringComparison.Ordinal)) throw new InvalidOperationException($"Expected the Engine.IO OPEN packet, got {open}");
        return client;
    }

    /// <summary>The client's name in front of its lines, or null when its lines have none.</summary>
    public string? Name { get; } = name;

    /// <summary>Where the client writes what travels: the transcript it was given, or its own.</summary>
    public Transcript Wire { get; } = wire ?? new Transcript();

    /// <summary>The Engine.IO session id from the OPEN packet: one per connection, whatever the namespaces on it.</summary>
    public string? Sid { get; private set; }

    /// <summary>The socket id in the main namespace "/" (once <see cref="ConnectNamespaceAsync"/> has connected to it).</summary>
    public string Id => SocketId("/");

    /// <summary>The socket id in <paramref name="nsp"/>, from its CONNECT answer: a different one per namespace.</summary>
    public string SocketId(string nsp = "/") =>
        _socketIds.TryGetValue(nsp, out var id) ? id : throw new InvalidOperationException($"{Who} is not connected to {nsp}.");

    // ---- HTTP long-polling: each request and response recorded, each packet of a body on its own line ----

    private string PollingQuery => Sid is null ? "EIO=4&transport=polling" : $"EIO=4&transport=polling&sid={Sid}";

    private string PollingPath => $"/socket.io/?{PollingQuery}";

    /// <summary>
    /// Starts a polling GET (recorded now); its response is recorded when awaited with <see cref="ReceivePollAsync"/>.
    /// The first GET, before there is a session id, is the handshake. Pings in a polling body are recorded like any
    /// packet: answer one with <c>PostAsync("3")</c>.
    /// </summary>
    public Task<HttpResponseMessage> StartPoll()
    {
        Record('>', $"GET {PollingPath}");
        return _engine.GetAsync(PollingQuery);
    }

    /// <summary>Records a polling response: the status, then each packet of the body on its own line.</summary>
    public async Task<string[]> ReceivePollAsync(Task<HttpResponseMessage> poll)
    {
        using var response = await Wait.For(poll, $"a polling response{ForWho}");
        var packets = (await response.Content.ReadAsStringAsync()).Split(EngineIOWire.RecordSeparator);
        Record('<', $"{(int)response.StatusCode} {response.ReasonPhrase}");
        foreach (var packet in packets)
        {
            Notice(packet);
            Record('<', $"  {packet}");
        }
        return packets;
    }

    /// <summary>One polling GET and its response (<see cref="StartPoll"/>, then <see cref="ReceivePollAsync"/>).</summary>
    public async Task<string[]> PollAsync() => await ReceivePollAsync(StartPoll());

    /// <summary>POSTs packets (several are joined with the record separator, as the clients do) and records the answer.</summary>
    public async Task PostAsync(params string[] packets)
    {
        Record('>', $"POST {PollingPath}");
        foreach (var packet in packets) Record('>', $"  {packet}");
        using var response = await _engine.SendAsync(HttpMethod.Post, PollingQuery, string.Join(EngineIOWire.RecordSeparator, packets));
        Record('<', $"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}");
    }

    // ---- WebSocket: one packet per frame ----

    /// <summary>
    /// Opens the WebSocket: after a polling handshake, on the same session (an upgrade: the test then probes it with
    /// <c>2probe</c>); before any, a new session (WebSocket only: the server's first frame is OPEN).
    /// </summary>
    public async Task OpenWebSocketAsync()
    {
        if (_socket is not null) throw new InvalidOperationException($"{Who} has opened its WebSocket already.");
        var query = Sid is null ? "EIO=4&transport=websocket" : $"EIO=4&transport=websocket&sid={Sid}";
        Record('>', $"GET /socket.io/?{query}   (Connection: Upgrade, Upgrade: websocket)");
        // Pings are answered as they arrive unless the test records them (then it answers them itself).
        _socket = await WsWire.OpenAsync(server, query, answerPings: pings == PingFrames.AnsweredAndSkipped);
        Record('<', $"{_socket.HttpStatusCode} Switching Protocols");
    }

    /// <summary>Sends one text frame, written by the test, and records it.</summary>
    public async Task SendAsync(string frame)
    {
        Record('>', frame);
        await SendUnrecordedAsync(frame);
    }

    /// <summary>Sends CONNECT (<c>40</c> for "/", <c>40/goods,</c> for a namespace) and reads the answer.</summary>
    public async Task ConnectNamespaceAsync(string nsp = "/")
    {
        await SendAsync(nsp == "/" ? "40" : $"40{nsp},");
        var answer = await ReceiveAsync();
        if (!_socketIds.ContainsKey(nsp)) throw new InvalidOperationException($"Expected CONNECT for {nsp}, got {answer}");
    }

    /// <summary>
    /// Sends an EVENT with an acknowledgement id, <c>42&lt;id&gt;[name, ...args]</c> (<c>42/goods,&lt;id&gt;[…]</c> in a
    /// namespace), and returns the id: the server's ACK (<c>43&lt;id&gt;[…]</c>) carries the same one. Ids count
    /// 1, 2, 3, … per client. <paramref name="arrayJson"/> is the event's JSON array, written by the test.
    /// </summary>
    public async Task<int> EmitWithAckAsync(string arrayJson, string nsp = "/")
    {
        var id = ++_ackId;
        await SendAsync($"42{(nsp == "/" ? "" : nsp + ",")}{id}{arrayJson}");
        return id;
    }

    /// <summary>The next frame, recorded (a ping too if the client records pings; see <see cref="PingFrames"/>).</summary>
    public async Task<string> ReceiveAsync()
    {
        var frame = await NextFrameAsync();
        Record('<', frame);
        return frame;
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

    /// <summary>
    /// The next frame for which <paramref name="wanted"/> is true, recorded; frames before it are not recorded (news
    /// that keeps arriving on a timer, say: how many arrive in between depends on timing). A ping passed over is
    /// answered.
    /// </summary>
    public async Task<string> ReceiveSkippingAsync(Func<string, bool> wanted)
    {
        while (true)
        {
            var frame = await NextFrameAsync();
            if (wanted(frame))
            {
                Record('<', frame);
                return frame;
            }
            if (frame == "2") await SendUnrecordedAsync("3");
        }
    }

    /// <summary>Closes the WebSocket with a close handshake and waits for the server's close.</summary>
    public async Task CloseWebSocketAsync()
    {
        Record('>', "(WebSocket close frame)");
        await Socket.CloseOutputAsync();
        await Wait.For(Socket.Closed, $"the server to close the WebSocket{ForWho}");
    }

    private WsWire Socket => _socket ?? throw new InvalidOperationException($"{Who} has no WebSocket: call OpenWebSocketAsync first.");

    private Task SendUnrecordedAsync(string frame) => Socket.SendAsync(frame);

    // The next frame the server sent, its ids noticed (pings are already answered and left out unless recorded).
    private async Task<string> NextFrameAsync()
    {
        var frame = await Wait.For(Socket.ReceiveTextAsync(), $"a WebSocket frame{ForWho}");
        Notice(frame);
        return frame;
    }

    private void Record(char direction, string text) => Wire.Add(Name is null ? $"{direction} {text}" : $"{Name} {direction} {text}");

    private string Who => Name ?? "The client";

    private string ForWho => Name is null ? "" : $" for {Name}";

    // Engine.IO OPEN carries the session id; Socket.IO CONNECT answers carry the socket id of their namespace.
    private void Notice(string packet)
    {
        if (packet.StartsWith("0{", StringComparison.Ordinal))
        {
            Sid = SidOf(packet[1..]);
            scrubber.Id(Sid, "sid");
        }
        else if (packet.StartsWith("40", StringComparison.Ordinal) && packet.IndexOf('{') is var brace and > 0)
        {
            var nsp = packet[2] == '/' ? packet[2..packet.IndexOf(',')] : "/";
            var id = SidOf(packet[brace..]);
            _socketIds[nsp] = id;
            scrubber.Id(id, "socket");
        }
    }

    private static string SidOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("sid").GetString()!;

    public async ValueTask DisposeAsync()
    {
        // Abort unless closed: a close handshake that timed out leaves CloseSent, and the reader would wait forever.
        if (_socket is not null)
        {
            if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) _socket.Abort();
            await _socket.Closed;
            await _socket.DisposeAsync();
        }
        _engine.Dispose();
    }
}
