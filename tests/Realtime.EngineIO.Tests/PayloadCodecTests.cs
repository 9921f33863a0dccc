using FsCheck;
using FsCheck.Fluent;

namespace Realtime.EngineIO.Tests;

/// <summary>The payload codec alone: known vectors from the spec, and FsCheck properties.</summary>
public sealed class PayloadCodecTests
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void Spec_example_text_and_binary_in_one_payload()
    {
        var packets = EnginePayloadCodec.DecodePayload("4hello\u001ebAQIDBA==");

        Assert.Equal(2, packets.Count);
        Assert.Equal("hello", packets[0].Message!.Text);
        Assert.True(packets[1].Message!.IsBinary);
        Assert.Equal([1, 2, 3, 4], packets[1].Message!.Data.ToArray());
        Assert.Equal("4hello\u001ebAQIDBA==", EnginePayloadCodec.EncodePayload(packets));
    }

    [Theory]
    [InlineData("2probe", EnginePacketType.Ping, "probe")]
    [InlineData("3probe", EnginePacketType.Pong, "probe")]
    [InlineData("5", EnginePacketType.Upgrade, "")]
    [InlineData("6", EnginePacketType.Noop, "")]
    [InlineData("1", EnginePacketType.Close, "")]
    public void Control_packets(string wire, EnginePacketType type, string data)
    {
        var packet = EnginePayloadCodec.DecodePacket(wire);
        Assert.Equal((type, data), (packet.Type, packet.Data));
        Assert.Equal(wire, EnginePayloadCodec.EncodePacket(packet));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 0)]
    [InlineData("7", 0)]
    [InlineData("4a\u001e", 1)]
    [InlineData("4a\u001e4b\u001ex", 2)]
    [InlineData("b!!!", 0)]
    public void Parse_errors_keep_the_packets_decoded_before_them(string payload, int before)
    {
        var error = Assert.Throws<EngineParseException>(() => EnginePayloadCodec.DecodePayload(payload));
        Assert.Equal(before, error.DecodedBeforeError.Count);
    }

    /// <summary>Packets a polling payload can carry: text without the separator, any bytes, control packets.</summary>
    private static readonly Gen<EnginePacket> Packets = Gen.OneOf(
        ArbMap.Default.ArbFor<string>().Generator
            .Select(s => (s ?? "").Replace("\u001e", "", StringComparison.Ordinal))
            .Select(s => EnginePacket.FromMessage(EngineMessage.FromText(s))),
        ArbMap.Default.ArbFor<byte[]>().Generator
            .Select(b => EnginePacket.FromMessage(EngineMessage.FromBinary(b ?? []))),
        Gen.Elements(
            EnginePacket.Control(EnginePacketType.Ping), EnginePacket.Control(EnginePacketType.Ping, "probe"),
            EnginePacket.Control(EnginePacketType.Pong), EnginePacket.Control(EnginePacketType.Pong, "probe"),
            EnginePacket.Control(EnginePacketType.Noop), EnginePacket.Control(EnginePacketType.Upgrade),
            EnginePacket.Control(EnginePacketType.Close), EnginePacket.Control(EnginePacketType.Open, "{\"sid\":\"é\"}")));

    [Fact]
    public void Any_list_of_packets_round_trips_through_a_payload()
    {
        Prop.ForAll(Packets.NonEmptyListOf().Select(l => l.ToArray()).ToArbitrary(), packets =>
        {
            var decoded = EnginePayloadCodec.DecodePayload(EnginePayloadCodec.EncodePayload(packets));
            return decoded.SequenceEqual(packets);
        }).Check(Many);
    }

    [Fact]
    public void Any_packet_round_trips_alone()
    {
        Prop.ForAll(Packets.ToArbitrary(), packet =>
            EnginePayloadCodec.DecodePacket(EnginePayloadCodec.EncodePacket(packet)).Equals(packet)).Check(Many);
    }

    [Fact]
    public void Any_payload_round_trips_through_utf8_bytes_when_text_is_valid_unicode()
    {
        var valid = Packets.Where(p => p.Message is not { IsBinary: false } m || !HasLoneSurrogate(m.Text));
        Prop.ForAll(valid.NonEmptyListOf().Select(l => l.ToArray()).ToArbitrary(), packets =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(EnginePayloadCodec.EncodePayload(packets));
            return EnginePayloadCodec.DecodePayload(bytes).SequenceEqual(packets);
        }).Check(Many);
    }

    /// <summary>Strings biased towards the codec's own alphabet, so many are almost valid.</summary>
    private static readonly Gen<string> NearlyPayloads =
        Gen.Elements('0', '1', '2', '3', '4', '5', '6', '7', 'b', 'A', 'Q', '=', '+', '/', '\u001e', 'x', 'é', ' ')
            .ArrayOf().Select(chars => new string(chars));

    [Fact]
    public void Decoding_any_string_succeeds_or_fails_only_with_a_parse_error()
    {
        var strings = Gen.OneOf(NearlyPayloads, ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? ""));
        Prop.ForAll(strings.ToArbitrary(), text =>
        {
            try
            {
                var packets = EnginePayloadCodec.DecodePayload(text);
                return packets.Count == text.Split('\u001e').Length;
            }
            catch (EngineParseException)
            {
                return true;
            }
        }).Check(Many);
    }

    [Fact]
    public void Decoding_any_bytes_succeeds_or_fails_only_with_a_parse_error()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            try
            {
                EnginePayloadCodec.DecodePayload((bytes ?? []).AsSpan());
                return true;
            }
            catch (EngineParseException)
            {
                return true;
            }
        }).Check(Many);
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }
}
