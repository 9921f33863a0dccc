using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Realtime.Testing;
using RawWebSocket.Server;

namespace RawWebSocket.Tests;

/// <summary>
/// The opening handshake and the first frames, sent and read as raw bytes over TCP: what the browser's Network
/// tab shows as "101 Switching Protocols" and the Messages list.
/// </summary>
public sealed partial class HandshakeTests
{
    private static readonly Dictionary<string, string?> FastMessages = new() { ["Messages:IntervalMs"] = "20" };

    [Fact]
    public async Task Upgrade_request_gets_101_and_then_frames_flow_both_ways()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var wire = new Transcript();
        var (tcp, stream) = await Wire.ConnectAsync(app.BaseAddress);
        using var _ = tcp;

        wire.Section("client → server: an ordinary HTTP/1.1 request asking to switch protocols");
        var request = Wire.UpgradeRequest(app.BaseAddress);
        await Wire.SendRequestAsync(stream, request);
        foreach (var line in request)
        {
            wire.Add(line);
        }

        wire.Section("server → client: 101, and from now on this TCP connection carries WebSocket frames");
        var response = await Wire.ReadResponseHeadAsync(stream);
        foreach (var line in response)
        {
            wire.Add(line);
        }
        // Sec-WebSocket-Accept proves the server understood: base64(SHA-1(key + the protocol's fixed GUID)).
        var expectedAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(Wire.SampleKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.Contains($"Sec-WebSocket-Accept: {expectedAccept}", response);

        wire.Section("server → client: the timer's message (header bytes | meaning | payload)");
        var first = await Wire.ReadFrameAsync(stream);
        wire.Add(first.Describe());

        wire.Section("client → server: the reply, masked as every client frame must be (mask key 37 FA 21 3D)");
        byte[] mask = [0x37, 0xFA, 0x21, 0x3D];
        var reply = await Wire.WriteMaskedFrameAsync(stream, 1, Encoding.UTF8.GetBytes("클라이언트에서 서버로 답장을 보냅니다."), mask);
        wire.Add(reply.Describe());
        await app.Log.WaitForText("클라이언트에서 서버로 답장을 보냅니다.");

        wire.Section("client → server: close frame 1000 (the closing handshake begins)");
        wire.Add((await Wire.WriteMaskedFrameAsync(stream, 8, [0x03, 0xE8], mask)).Describe());

        wire.Section("server → client: its close frame answers (text frames already in flight are skipped here)");
        Wire.Frame frame;
        do
        {
            frame = await Wire.ReadFrameAsync(stream);
        }
        while (frame.Opcode == 1);
        wire.Add(frame.Describe());
        await app.Log.WaitForText("클라이언트 접속 해제");

        wire.Section("server log");
        foreach (var line in app.Log.Lines)
        {
            wire.Add(line);
        }

        Snapshot.Match(wire.ToString(), HttpScrubber());
    }

    [Fact]
    public async Task Without_Upgrade_the_same_address_serves_the_page()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        using var http = app.CreateClient();

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("F12를 눌러 console 탭과 network 탭을 확인하세요.", page);
        Assert.Contains("new WebSocket(", page);
        Assert.DoesNotContain("consoel", page);
    }

    [Fact]
    public async Task Any_other_address_gets_the_books_404_message()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        using var http = app.CreateClient();

        using var response = await http.GetAsync("/nothing/here?x=1");

        // app.js: new Error(`${req.method} ${req.url} 라우터가 존재하지 않습니다.`), status 404.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("GET /nothing/here?x=1 라우터가 존재하지 않습니다.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_broken_upgrade_request_gets_a_clear_error_not_the_page()
    {
        await using var app = await RunningApp<Program>.StartAsync(FastMessages);
        var wire = new Transcript();

        wire.Section("Upgrade: websocket without Sec-WebSocket-Key → 400 with the reason");
        await RecordAsync(wire, app.BaseAddress, Wire.UpgradeRequest(app.BaseAddress).Where(l => !l.StartsWith("Sec-WebSocket-Key")));

        wire.Section("Sec-WebSocket-Version: 8 → 426 and the version the server speaks");
        await RecordAsync(wire, app.BaseAddress, Wire.UpgradeRequest(app.BaseAddress).Select(l => l.StartsWith("Sec-WebSocket-Version") ? "Sec-WebSocket-Version: 8" : l));

        wire.Section("a correct upgrade still works afterwards");
        var (tcp, stream) = await Wire.ConnectAsync(app.BaseAddress);
        using (tcp)
        {
            await Wire.SendRequestAsync(stream, Wire.UpgradeRequest(app.BaseAddress));
            wire.Add((await Wire.ReadResponseHeadAsync(stream))[0]);
        }

        wire.Section("server log (the bad requests only)");
        foreach (var line in app.Log.Lines.Where(l => l.Contains("핸드셰이크", StringComparison.Ordinal)))
        {
            wire.Add(line);
        }

        Snapshot.Match(wire.ToString(), HttpScrubber());
    }

    [Fact]
    public async Task A_text_frame_that_is_not_UTF8_is_refused_and_only_that_connection_closes()
    {
        await using var app = await RunningApp<Program>.StartAsync(new Dictionary<string, string?> { ["Messages:IntervalMs"] = "60000" });
        var wire = new Transcript();
        var (tcp, stream) = await Wire.ConnectAsync(app.BaseAddress);
        using var _ = tcp;
        await Wire.SendRequestAsync(stream, Wire.UpgradeRequest(app.BaseAddress));
        wire.Add((await Wire.ReadResponseHeadAsync(stream))[0]);

        wire.Section("client → server: a text frame whose bytes are not UTF-8 (C3 28); text frames must be UTF-8");
        wire.Add((await Wire.WriteMaskedFrameAsync(stream, 1, [0xC3, 0x28], [0x37, 0xFA, 0x21, 0x3D])).Describe()
            .Replace("\uFFFD", "?", StringComparison.Ordinal));

        // .NET answers with close frame 1007 (InvalidPayloadData) and drops the connection at once; whether that
        // close frame reaches this client before the reset depends on timing, so only the server's log is recorded.
        await app.Log.WaitForText("클라이언트 접속 해제");

        // Everyone else is still served.
        using var next = new System.Net.WebSockets.ClientWebSocket();
        await next.ConnectAsync(Wire.WebSocketUri(app.BaseAddress), CancellationToken.None);
        await next.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await app.Log.WaitForText("클라이언트 접속 해제", 2);

        wire.Section("server log");
        foreach (var line in app.Log.Lines)
        {
            wire.Add(line);
        }
        Snapshot.Match(wire.ToString(), HttpScrubber());
    }

    /// <summary>Sends a request and records the status line, the headers that matter, and the body.</summary>
    private static async Task RecordAsync(Transcript wire, Uri baseAddress, IEnumerable<string> request)
    {
        // "close" as well as "Upgrade", so the server ends the connection after its answer and the test can read to the end.
        var lines = request.Select(l => l == "Connection: Upgrade" ? "Connection: Upgrade, close" : l).ToList();
        var (tcp, stream) = await Wire.ConnectAsync(baseAddress);
        using var _ = tcp;
        await Wire.SendRequestAsync(stream, lines);
        foreach (var line in lines)
        {
            wire.Add("> " + line);
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(Wait.DefaultTimeout);
        var (head, body) = (response[..response.IndexOf("\r\n\r\n", StringComparison.Ordinal)], response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        foreach (var line in head.Split("\r\n"))
        {
            wire.Add("< " + line);
        }
        wire.Add("< " + body.Trim());
    }

    /// <summary>Ports and times as placeholders; the Date header changes every second.</summary>
    private static Scrubber HttpScrubber() =>
        Scrubber.Default().WithStartupPort().AddPattern(DateHeader(), "date", numbered: false);

    [GeneratedRegex(@"^(?:< )?Date: (?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex DateHeader();
}
