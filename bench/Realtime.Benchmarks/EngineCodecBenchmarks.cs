using BenchmarkDotNet.Attributes;
using Realtime.EngineIO;

namespace Realtime.Benchmarks;

/// <summary>
/// The Engine.IO text codec (<see cref="EnginePayloadCodec"/>, public surface only): one packet as on a WebSocket
/// frame, and a polling payload of several packets joined by <c>\x1e</c>, with and without a binary message.
/// </summary>
[MemoryDiagnoser]
public class EngineCodecBenchmarks
{
    // What the harness's echo scenario sends (Socket.IO packet inside an Engine.IO message).
    private const string EchoText = "421[\"echo\",{\"c\":7,\"s\":1234,\"d\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]";

    private readonly EnginePacket _message = EnginePacket.FromMessage(EngineMessage.FromText(EchoText));
    private readonly EnginePacket[] _textPayload =
    [
        EnginePacket.FromMessage(EngineMessage.FromText(EchoText)),
        EnginePacket.FromMessage(EngineMessage.FromText(EchoText)),
        EnginePacket.Control(EnginePacketType.Ping),
    ];
    private readonly EnginePacket[] _binaryPayload =
    [
        EnginePacket.FromMessage(EngineMessage.FromText("51-[\"file\",{\"_placeholder\":true,\"num\":0}]")),
        EnginePacket.FromMessage(EngineMessage.FromBinary(new byte[256])),
    ];
    private string _encodedText = "";
    private string _encodedTextPayload = "";
    private string _encodedBinaryPayload = "";

    [GlobalSetup]
    public void Setup()
    {
        _encodedText = EnginePayloadCodec.EncodePacket(_message);
        _encodedTextPayload = EnginePayloadCodec.EncodePayload(_textPayload);
        _encodedBinaryPayload = EnginePayloadCodec.EncodePayload(_binaryPayload);
    }

    [Benchmark]
    public string EncodePacket_Text() => EnginePayloadCodec.EncodePacket(_message);

    [Benchmark]
    public string EncodePayload_Text3() => EnginePayloadCodec.EncodePayload(_textPayload);

    [Benchmark]
    public string EncodePayload_Binary256() => EnginePayloadCodec.EncodePayload(_binaryPayload);

    [Benchmark]
    public EnginePacket DecodePacket_Text() => EnginePayloadCodec.DecodePacket(_encodedText);

    [Benchmark]
    public int DecodePayload_Text3() => EnginePayloadCodec.DecodePayload(_encodedTextPayload).Count;

    [Benchmark]
    public int DecodePayload_Binary256() => EnginePayloadCodec.DecodePayload(_encodedBinaryPayload).Count;
}
