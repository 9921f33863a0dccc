using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Realtime.SocketIO.Protocol;

namespace Realtime.Benchmarks;

/// <summary>
/// The Socket.IO packet codec: encoding the events and acks the harness exercises (a JSON payload received from
/// a client and sent on, a typed object, a byte[] attachment) and decoding them.
/// </summary>
[MemoryDiagnoser]
public class SocketIOCodecBenchmarks
{
    // The harness's echo payload and fanout message (socket.io-client sends them this way).
    private const string EchoEvent = "21[\"echo\",{\"c\":7,\"s\":1234,\"d\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]";
    private const string ChatEvent = "2[\"chat\",{\"room\":\"bench-room\",\"s\":17,\"t\":123456.78901234,\"w\":0,\"d\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]";
    private const string BinaryEvent = "51-[\"file\",{\"name\":\"a.bin\",\"data\":{\"_placeholder\":true,\"num\":0}}]";

    private readonly byte[] _attachment = new byte[256];
    private readonly SocketIOPacketDecoder _decoder = new();
    private JsonElement _echoPayload;
    private JsonElement _chatPayload;
    private Message _typed = null!;

    public sealed record Message(string Room, int S, double T, int W, string D);

    [GlobalSetup]
    public void Setup()
    {
        _echoPayload = SocketIOPacketDecoder.Decode(EchoEvent, 10, out _).Data!.Value[1];
        _chatPayload = SocketIOPacketDecoder.Decode(ChatEvent, 10, out _).Data!.Value[1];
        _typed = new Message("bench-room", 17, 123456.78901234, 0, new string('x', 32));
    }

    // ---- encode ----

    /// <summary>The echo answer: an ACK carrying the JsonElement the client sent.</summary>
    [Benchmark]
    public string EncodeAck_JsonElement() => SocketIOPacketEncoder.EncodeAck("/", 1, [_echoPayload]).Text;

    /// <summary>A broadcast of a received JSON object (the chat fan-out), encoded once per broadcast.</summary>
    [Benchmark]
    public string EncodeEvent_JsonElement() => SocketIOPacketEncoder.EncodeEvent("/", "chat", [_chatPayload]).Text;

    /// <summary>The same message from a C# record (reflection-free after warm-up: System.Text.Json caches its metadata).</summary>
    [Benchmark]
    public string EncodeEvent_Typed() => SocketIOPacketEncoder.EncodeEvent("/", "chat", [_typed]).Text;

    /// <summary>A short string event in a namespace: <c>2/news,["news","Hello"]</c>.</summary>
    [Benchmark]
    public string EncodeEvent_String() => SocketIOPacketEncoder.EncodeEvent("/news", "news", ["Hello Socket.IO"]).Text;

    /// <summary>A BINARY_EVENT: a byte[] becomes a placeholder and an attachment.</summary>
    [Benchmark]
    public int EncodeEvent_Binary256() => SocketIOPacketEncoder.EncodeEvent("/", "file", [new { name = "a.bin", data = _attachment }]).Attachments.Count;

    // ---- decode ----

    [Benchmark]
    public SocketIOPacket DecodeEvent_Echo() => SocketIOPacketDecoder.Decode(EchoEvent, 10, out _);

    [Benchmark]
    public SocketIOPacket DecodeEvent_Chat() => SocketIOPacketDecoder.Decode(ChatEvent, 10, out _);

    /// <summary>A BINARY_EVENT and its attachment through the stateful decoder.</summary>
    [Benchmark]
    public SocketIOPacket? DecodeEvent_Binary256()
    {
        _decoder.Add(BinaryEvent);
        return _decoder.Add(_attachment);
    }

    /// <summary>Reading a decoded argument as a typed record (what a typed handler does).</summary>
    [Benchmark]
    public Message? ReadTyped() => SocketIOArgsReader.Read<Message>(_chatPayload, []);
}
