using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO.Tests.Protocol;

/// <summary>The packet format of PROTOCOL.md, one example per rule, as socket.io-parser 4.2 writes and reads it.</summary>
public class PacketCodecTests
{
    [Fact]
    public void Event_in_the_main_namespace_has_no_namespace_and_compact_json()
    {
        var packet = SocketIOPacketEncoder.EncodeEvent("/", "news", ["Hello Socket.IO"]);
        Assert.Equal("""2["news","Hello Socket.IO"]""", packet.Text);
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Event_in_another_namespace_writes_it_followed_by_a_comma_then_the_ack_id()
    {
        Assert.Equal("""2/goods,["shoes",{"size":270}]""", SocketIOPacketEncoder.EncodeEvent("/goods", "shoes", [new { Size = 270 }]).Text);
        Assert.Equal("""2/goods,12["question"]""", SocketIOPacketEncoder.EncodeEvent("/goods", "question", [], id: 12).Text);
        Assert.Equal("""20["question","q?"]""", SocketIOPacketEncoder.EncodeEvent("/", "question", ["q?"], id: 0).Text);
    }

    [Fact]
    public void Connect_connect_error_and_disconnect()
    {
        Assert.Equal("""0{"sid":"abc"}""", SocketIOPacketEncoder.EncodeConnect("/", "abc"));
        Assert.Equal("""0/admin,{"sid":"abc"}""", SocketIOPacketEncoder.EncodeConnect("/admin", "abc"));
        Assert.Equal("""4/random,{"message":"Invalid namespace"}""", SocketIOPacketEncoder.EncodeConnectError("/random", "Invalid namespace"));
        Assert.Equal("""4/private,{"message":"not authorized","data":{"content":"Please retry later"}}""",
            SocketIOPacketEncoder.EncodeConnectError("/private", "not authorized", new { Content = "Please retry later" }));
        Assert.Equal("1", SocketIOPacketEncoder.EncodeDisconnect("/"));
        Assert.Equal("1/admin,", SocketIOPacketEncoder.EncodeDisconnect("/admin"));
    }

    [Fact]
    public void Binary_values_become_placeholders_depth_first_and_attachments()
    {
        byte[] first = [1, 2, 3, 4];
        ReadOnlyMemory<byte> second = new byte[] { 9 };
        var packet = SocketIOPacketEncoder.EncodeEvent("/", "binary", [first, new { Inner = new object[] { "x", second } }, "text"]);
        Assert.Equal("""52-["binary",{"_placeholder":true,"num":0},{"inner":["x",{"_placeholder":true,"num":1}]},"text"]""", packet.Text);
        Assert.Equal(2, packet.Attachments.Count);
        Assert.Equal(first, packet.Attachments[0].ToArray());
        Assert.Equal([9], packet.Attachments[1].ToArray());
    }

    [Fact]
    public void Binary_ack_puts_the_count_before_the_id()
    {
        var packet = SocketIOPacketEncoder.EncodeAck("/", 1, [new byte[] { 9, 8 }]);
        Assert.Equal("""61-1[{"_placeholder":true,"num":0}]""", packet.Text);
        Assert.Equal("""3/x,7["ok"]""", SocketIOPacketEncoder.EncodeAck("/x", 7, ["ok"]).Text);
    }

    [Fact]
    public void Bytes_outside_a_packet_are_base64_as_system_text_json_writes_them()
    {
        Assert.Equal("\"AQI=\"", JsonSerializer.Serialize(new byte[] { 1, 2 }, SocketIOJson.Options));
    }

    [Theory]
    [InlineData("0", SocketIOPacketType.Connect, "/", null, null)]
    [InlineData("0/custom,", SocketIOPacketType.Connect, "/custom", null, null)]
    [InlineData("0/custom", SocketIOPacketType.Connect, "/custom", null, null)]
    [InlineData("""0/admin,{"token":"123"}""", SocketIOPacketType.Connect, "/admin", null, """{"token":"123"}""")]
    [InlineData("1", SocketIOPacketType.Disconnect, "/", null, null)]
    [InlineData("1/admin,", SocketIOPacketType.Disconnect, "/admin", null, null)]
    [InlineData("""2["hello",1]""", SocketIOPacketType.Event, "/", null, """["hello",1]""")]
    [InlineData("""2/admin,456["project:delete",123]""", SocketIOPacketType.Event, "/admin", 456L, """["project:delete",123]""")]
    [InlineData("""2[1,"numbered"]""", SocketIOPacketType.Event, "/", null, """[1,"numbered"]""")]
    [InlineData("""3/admin,456[]""", SocketIOPacketType.Ack, "/admin", 456L, "[]")]
    [InlineData("""4{"message":"Not authorized"}""", SocketIOPacketType.ConnectError, "/", null, """{"message":"Not authorized"}""")]
    [InlineData("4\"just a string\"", SocketIOPacketType.ConnectError, "/", null, "\"just a string\"")]
    public void Decodes_the_examples_of_the_specification(string text, SocketIOPacketType type, string nsp, long? id, string? json)
    {
        var packet = new SocketIOPacketDecoder().Add(text);
        Assert.NotNull(packet);
        Assert.Equal(type, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(id, packet.Id);
        Assert.Equal(json, packet.Data?.GetRawText());
    }

    [Fact]
    public void Binary_event_waits_for_its_attachments_then_reconstructs()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.Add("""52-/files,3["upload",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]"""));
        Assert.True(decoder.IsReconstructing);
        Assert.Null(decoder.Add(new byte[] { 1, 2 }));
        var packet = decoder.Add(new byte[] { 3 });
        Assert.NotNull(packet);
        Assert.False(decoder.IsReconstructing);
        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("/files", packet.Namespace);
        Assert.Equal(3, packet.Id);
        Assert.Equal(2, packet.Attachments.Count);

        var node = SocketIOPacketDecoder.Reconstruct(packet.Data!.Value, packet.Attachments)!;
        Assert.Equal([1, 2], node[1]!.GetValue<byte[]>());
        Assert.Equal([3], node[2]!["b"]!.GetValue<byte[]>());
        // Writing the reconstruction again gives back the same packet.
        var again = SocketIOPacketEncoder.Encode(SocketIOPacketType.Event, "/files", node, 3);
        Assert.Equal("""52-/files,3["upload",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]""", again.Text);
    }

    [Fact]
    public void Typed_reads_resolve_placeholders_to_bytes()
    {
        var decoder = new SocketIOPacketDecoder();
        decoder.Add("""51-["upload",{"name":"a.gif","data":{"_placeholder":true,"num":0}}]""");
        var packet = decoder.Add(new byte[] { 71, 73, 70 })!;
        var file = SocketIOArgsReader.Read<Upload>(packet.Data!.Value[1], packet.Attachments);
        Assert.Equal("a.gif", file!.Name);
        Assert.Equal("GIF"u8.ToArray(), file.Data);
    }

    private sealed record Upload(string Name, byte[] Data);

    [Theory]
    [InlineData("", "empty packet")]
    [InlineData("7", "unknown packet type")]
    [InlineData("abc", "unknown packet type")]
    [InlineData("2{}", "invalid payload")]
    [InlineData("2abc[\"a\"]", "invalid payload")]
    [InlineData("2[]", "invalid payload")]
    [InlineData("2[{}]", "invalid payload")]
    [InlineData("2[null]", "invalid payload")]
    [InlineData("2[\"connect\"]", "invalid payload")]
    [InlineData("2[\"disconnect\",1]", "invalid payload")]
    [InlineData("2[\"newListener\"]", "invalid payload")]
    [InlineData("2", "invalid payload")]
    [InlineData("0[]", "invalid payload")]
    [InlineData("0\"auth\"", "invalid payload")]
    [InlineData("1{}", "invalid payload")]
    [InlineData("3{}", "invalid payload")]
    [InlineData("4[]", "invalid payload")]
    [InlineData("2[\"a\"", "invalid payload")]
    [InlineData("5-[\"a\"]", "Illegal attachments")]
    [InlineData("50-[\"a\"]", "Illegal attachments")]
    [InlineData("5x-[\"a\"]", "Illegal attachments")]
    [InlineData("51[\"a\"]", "Illegal attachments")]
    [InlineData("511-[\"a\"]", "too many attachments")]
    [InlineData("299999999999999999999[\"a\"]", "invalid ack id")]
    public void Rejects_what_socket_io_parser_rejects(string text, string error)
    {
        var e = Assert.Throws<SocketIOParseException>(() => new SocketIOPacketDecoder().Add(text));
        Assert.Contains(error, e.Message);
    }

    [Theory]
    [InlineData("""51-["a",{"_placeholder":true,"num":1}]""")]
    [InlineData("""51-["a",{"_placeholder":true,"num":-1}]""")]
    [InlineData("""51-["a",{"_placeholder":true,"num":"0"}]""")]
    [InlineData("""51-["a",{"_placeholder":true,"num":0.5}]""")]
    [InlineData("""51-["a",{"_placeholder":true}]""")]
    public void Rejects_a_placeholder_out_of_range(string text)
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.Add(text));
        var e = Assert.Throws<SocketIOParseException>(() => decoder.Add(new byte[] { 1 }));
        Assert.Equal("illegal attachments", e.Message);
    }

    [Fact]
    public void Rejects_binary_out_of_sequence()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Throws<SocketIOParseException>(() => decoder.Add(new byte[] { 1 }));
        decoder.Add("""51-["a",{"_placeholder":true,"num":0}]""");
        Assert.Throws<SocketIOParseException>(() => decoder.Add("""2["a"]"""));
    }

    [Fact]
    public void The_attachment_limit_is_configurable()
    {
        Assert.Null(new SocketIOPacketDecoder(maxAttachments: 11).Add("""511-["a"]"""));
        Assert.Throws<SocketIOParseException>(() => new SocketIOPacketDecoder(maxAttachments: 1).Add("""52-["a"]"""));
    }

    [Fact]
    public void Echoing_a_decoded_payload_writes_what_node_writes()
    {
        // JSON.stringify(JSON.parse(x)): numbers normalised, key order kept, strings re-escaped the JavaScript way.
        var packet = new SocketIOPacketDecoder().Add("""2["message", 1.0, 1e2, -0, 1.50, {"b":"<&>","a":"\u00e9\n"}, 12345678901234567890, 1e400]""")!;
        var args = packet.Data!.Value.EnumerateArray().Skip(1).Cast<object?>().ToArray();
        Assert.Equal("""2["message-back",1,100,0,1.5,{"b":"<&>","a":"é\n"},12345678901234567000,null]""",
            SocketIOPacketEncoder.EncodeEvent("/", "message-back", args).Text);
    }

    [Fact]
    public void A_json_node_holding_bytes_and_a_json_element_mix()
    {
        var node = new JsonObject { ["file"] = JsonValue.Create(new byte[] { 5 }, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<byte[]>)SocketIOJson.Options.GetTypeInfo(typeof(byte[]))) };
        var packet = SocketIOPacketEncoder.EncodeEvent("/", "x", [node, JsonDocument.Parse("[1]").RootElement]);
        Assert.Equal("""51-["x",{"file":{"_placeholder":true,"num":0}},[1]]""", packet.Text);
        Assert.Equal(Encoding.ASCII.GetBytes("\u0005"), packet.Attachments[0].ToArray());
    }
}
