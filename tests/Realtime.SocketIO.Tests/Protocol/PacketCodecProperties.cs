using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO.Tests.Protocol;

/// <summary>Properties of the codec over generated packets and generated garbage (FsCheck).</summary>
public class PacketCodecProperties
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>A JSON-like value: null, bool, integer, string (any UTF-16 without lone surrogates), arrays, objects, bytes.</summary>
    private static Gen<object?> Value(int size)
    {
        var text = ArbMap.Default.ArbFor<string>().Generator.Where(s => s is null || !HasLoneSurrogate(s)).Select(s => (object?)(s ?? ""));
        var leaf = Gen.OneOf(
            Gen.Constant<object?>(null),
            ArbMap.Default.ArbFor<bool>().Generator.Select(b => (object?)b),
            ArbMap.Default.ArbFor<int>().Generator.Select(i => (object?)i),
            text,
            ArbMap.Default.ArbFor<byte[]>().Generator.Where(b => b is not null).Select(b => (object?)b));
        if (size <= 0) return leaf;
        var child = Value(size / 3);
        return Gen.Frequency(
            (3, leaf),
            (1, child.ListOf().Select(items => (object?)items.ToArray())),
            // Not "_placeholder": an object {"_placeholder":true} of the application's is ambiguous on the wire (Node rejects it too).
            (1, Gen.Zip(Gen.Elements("a", "b", "name", "placeholder", "é", "num"), child).ListOf()
                .Select(pairs => (object?)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))));
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

    private sealed record EventCase(string Namespace, string Name, long? Id, object?[] Args)
    {
        public override string ToString() => $"{Namespace} {Name} #{Id} {JsonSerializer.Serialize(Args, SocketIOJson.Options)}";
    }

    private static readonly Gen<EventCase> Events =
        from nsp in Gen.Elements("/", "/goods", "/chat-room", "/a/b")
        from name in Gen.Elements("news", "message", "BUY_GOODS", "이벤트", "with,comma", "1")
        from id in Gen.OneOf(Gen.Constant<long?>(null), Gen.Choose(0, int.MaxValue).Select(i => (long?)i))
        from args in Gen.Sized(size => Value(Math.Min(size, 30))).ListOf().Select(a => a.Take(5).ToArray())
        select new EventCase(nsp, name, id, args);

    [Fact]
    public void Every_encoded_event_decodes_to_the_same_event()
    {
        Prop.ForAll(Events.ToArbitrary(), c =>
        {
            var encoded = SocketIOPacketEncoder.EncodeEvent(c.Namespace, c.Name, c.Args, c.Id);
            var decoder = new SocketIOPacketDecoder(maxAttachments: int.MaxValue);
            var packet = decoder.Add(encoded.Text);
            foreach (var attachment in encoded.Attachments)
            {
                Assert.NotNull(decoder.IsReconstructing ? (object)true : null);
                packet = decoder.Add(attachment);
            }
            Assert.NotNull(packet);
            Assert.Equal(c.Namespace, packet.Namespace);
            Assert.Equal(c.Id, packet.Id);
            Assert.Equal(encoded.Attachments.Count > 0 ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event, packet.Type);
            Assert.Equal(c.Name, packet.Data!.Value[0].GetString());

            // Reconstructed (placeholders → bytes) and written again, it is the same packet, byte for byte.
            var node = SocketIOPacketDecoder.Reconstruct(packet.Data.Value, packet.Attachments)!.AsArray();
            var args = node.Skip(1).Select(n => (object?)n).ToArray();
            var again = SocketIOPacketEncoder.EncodeEvent(c.Namespace, c.Name, args, c.Id);
            Assert.Equal(encoded.Text, again.Text);
            Assert.Equal(encoded.Attachments.Select(a => a.ToArray()), again.Attachments.Select(a => a.ToArray()));
        }).Check(Many);
    }

    [Fact]
    public void Garbage_is_either_a_packet_or_a_parse_error_never_anything_else()
    {
        var prefixes = Gen.Elements("", "0", "1", "2", "3", "4", "5", "6", "51-", "2/nsp,", "21", "3/a,1", "61-1");
        var bodies = Gen.Elements("", "[", "[]", "{}", "[\"a\"]", "[\"a\",{\"_placeholder\":true,\"num\":0}]", "\"s\"", "1", "null", "[1", "/x", ",", "-", "9-");
        var garbage =
            from prefix in prefixes
            from body in bodies
            from noise in ArbMap.Default.ArbFor<string>().Generator
            from mode in Gen.Choose(0, 2)
            select mode switch { 0 => prefix + body, 1 => prefix + noise, _ => prefix + body + noise };
        Prop.ForAll(garbage.ToArbitrary(), text =>
        {
            var decoder = new SocketIOPacketDecoder();
            try
            {
                var packet = decoder.Add(text ?? "");
                if (packet is not null)
                    Assert.True(SocketIOPacketDecoder.IsPayloadValid(packet.Type, packet.Data));
            }
            catch (SocketIOParseException)
            {
                // the clear, expected error
            }
        }).Check(Many);
    }

    [Fact]
    public void Attachments_of_random_bytes_survive_unchanged()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[][]>(), arrays =>
        {
            var buffers = (arrays ?? []).Where(a => a is not null).Take(10).ToArray();
            var encoded = SocketIOPacketEncoder.EncodeEvent("/", "files", buffers.Cast<object?>().ToArray());
            Assert.Equal(buffers.Length, encoded.Attachments.Count);
            var decoder = new SocketIOPacketDecoder();
            var packet = decoder.Add(encoded.Text);
            foreach (var a in encoded.Attachments) packet = decoder.Add(a);
            for (var i = 0; i < buffers.Length; i++)
                Assert.Equal(buffers[i], SocketIOArgsReader.Read<byte[]>(packet!.Data!.Value[i + 1], packet.Attachments));
        }).Check(Many);
    }
}
