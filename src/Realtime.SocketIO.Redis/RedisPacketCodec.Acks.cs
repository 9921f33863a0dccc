using System.Buffers;
using System.Text.Json;
using MessagePack;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO.Redis;

// A broadcast that waits for acknowledgements, as @socket.io/redis-adapter 8.3 asks the other servers (in MessagePack,
// on the request channel) and as they answer (on the response channel):
//   request  { uid, requestId, type: 7 (BROADCAST), packet: { type: 2, data: [event, ...args], nsp }, opts: { rooms, except, flags } }
//   answers  { type: 8 (BROADCAST_CLIENT_COUNT), requestId, clientCount }   JSON, once per server
//            { type: 9 (BROADCAST_ACK), requestId, packet: answer }           MessagePack, once per client
public static partial class RedisPacketCodec
{
    /// <summary>The request types of a broadcast with acknowledgements.</summary>
    public const int BroadcastRequestType = 7, BroadcastClientCountType = 8, BroadcastAckType = 9;

    /// <summary>A broadcast with acknowledgements another server asks for.</summary>
    public sealed record BroadcastRequest(string Uid, string RequestId, Broadcast Broadcast);

    /// <summary>Writes the request that asks the other servers to broadcast <paramref name="packet"/> and report the answers.</summary>
    public static byte[] EncodeBroadcastRequest(string uid, string requestId, string nsp, SocketIOEncodedPacket packet,
        IEnumerable<string> rooms, IEnumerable<string> except, SocketIOBroadcastFlags flags)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(5);
        writer.Write("uid");
        writer.Write(uid);
        writer.Write("requestId");
        writer.Write(requestId);
        writer.Write("type");
        writer.Write(BroadcastRequestType);
        writer.Write("packet");
        WritePacket(ref writer, nsp, packet);
        writer.Write("opts");
        WriteOpts(ref writer, rooms, except, flags);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a MessagePack request; null when it is not a broadcast with acknowledgements (or not an event).</summary>
    /// <remarks>Throws when the bytes are not MessagePack.</remarks>
    public static BroadcastRequest? DecodeBroadcastRequest(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        if (ReadValue(ref reader) is not Dictionary<string, object?> request) return null;
        if (request.GetValueOrDefault("type") is not long type || type != BroadcastRequestType) return null;
        if (request.GetValueOrDefault("uid") is not string uid || request.GetValueOrDefault("requestId") is not string requestId) return null;
        if (request.GetValueOrDefault("packet") is not Dictionary<string, object?> packet) return null;
        var broadcast = ToBroadcast(uid, packet, request.GetValueOrDefault("opts") as Dictionary<string, object?>);
        return broadcast is null ? null : new BroadcastRequest(uid, requestId, broadcast);
    }

    /// <summary>Writes one client's answer: its first answer argument (binary as MessagePack <c>bin</c>), nil when none.</summary>
    public static byte[] EncodeBroadcastAck(string requestId, SocketIOArgs answer)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write("type");
        writer.Write(BroadcastAckType);
        writer.Write("requestId");
        writer.Write(requestId);
        writer.Write("packet");
        if (answer.Count > 0) WriteJson(ref writer, answer[0], answer.Attachments);
        else writer.WriteNil();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a MessagePack answer: its request id and the client's answer; null when it is not one.</summary>
    /// <remarks>Throws when the bytes are not MessagePack.</remarks>
    public static (string RequestId, object? Answer)? DecodeBroadcastAck(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        if (ReadValue(ref reader) is not Dictionary<string, object?> response) return null;
        if (response.GetValueOrDefault("type") is not long type || type != BroadcastAckType) return null;
        if (response.GetValueOrDefault("requestId") is not string requestId) return null;
        return (requestId, response.GetValueOrDefault("packet"));
    }
}
