using System.Text.Json;
using Realtime.SocketIO.Protocol;
using StackExchange.Redis;

namespace Realtime.SocketIO.Redis;

/// <summary>
/// Emits to the clients of a Socket.IO cluster from a process that hosts no Socket.IO server (a background worker,
/// another service), through Redis, like <c>@socket.io/redis-emitter</c> 5.1:
/// <code>
/// var emitter = new SocketIORedisEmitter(await ConnectionMultiplexer.ConnectAsync("localhost:6379"));
/// emitter.To("room1").Emit("news", new { text = "hi" });   // every server delivers it to its sockets in room1
/// emitter.Of("/admin").Emit("notice", 1);
/// </code>
/// Immutable: each call returns a new emitter. Publishing does not wait for Redis (fire and forget); while Redis is
/// unreachable the multiplexer's <c>BacklogPolicy</c> decides (<c>FailFast</c> drops, the default queues and retries).
/// </summary>
public sealed class SocketIORedisEmitter
{
    /// <summary>The uid Node's emitter puts in its messages (servers ignore their own uid only).</summary>
    private const string EmitterUid = "emitter";

    private static readonly IReadOnlySet<string> None = new HashSet<string>();
    private readonly IConnectionMultiplexer _redis;
    private readonly string _key;
    private readonly IReadOnlySet<string> _rooms;
    private readonly IReadOnlySet<string> _except;
    private readonly JsonSerializerOptions _json;

    /// <summary>An emitter for namespace <paramref name="nsp"/> of the cluster whose channels start with <paramref name="key"/>.</summary>
    public SocketIORedisEmitter(IConnectionMultiplexer redis, string key = "socket.io", string nsp = "/", JsonSerializerOptions? jsonSerializerOptions = null)
        : this(redis, key, Normalize(nsp), None, None, jsonSerializerOptions ?? SocketIOJson.Options)
    {
    }

    private SocketIORedisEmitter(IConnectionMultiplexer redis, string key, string nsp, IReadOnlySet<string> rooms, IReadOnlySet<string> except, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _key = key;
        Namespace = nsp;
        _rooms = rooms;
        _except = except;
        _json = json;
    }

    /// <summary>The namespace this emitter sends to.</summary>
    public string Namespace { get; }

    /// <summary>The same cluster, another namespace.</summary>
    public SocketIORedisEmitter Of(string nsp) => new(_redis, _key, Normalize(nsp), None, None, _json);

    /// <summary>Also targets <paramref name="room"/>.</summary>
    public SocketIORedisEmitter To(string room) => new(_redis, _key, Namespace, With(_rooms, room), _except, _json);

    /// <summary>Same as <see cref="To"/>.</summary>
    public SocketIORedisEmitter In(string room) => To(room);

    /// <summary>Leaves out the sockets in <paramref name="room"/>.</summary>
    public SocketIORedisEmitter Except(string room) => new(_redis, _key, Namespace, _rooms, With(_except, room), _json);

    /// <summary>Emits to the selected sockets of every server; binary values travel as binary.</summary>
    public void Emit(string eventName, params object?[]? args)
    {
        if (eventName is "connect" or "connect_error" or "disconnect" or "disconnecting" or "newListener" or "removeListener")
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        var packet = SocketIOPacketEncoder.EncodeEvent(Namespace, eventName, args ?? [null], null, _json);
        var message = RedisPacketCodec.EncodeBroadcast(EmitterUid, Namespace, packet, _rooms, _except, SocketIOBroadcastFlags.None);
        var channel = _rooms.Count == 1 ? $"{_key}#{Namespace}#{_rooms.First()}#" : $"{_key}#{Namespace}#";
        Publish(channel, message);
    }

    /// <summary>Makes the selected sockets of every server join <paramref name="rooms"/>.</summary>
    public void SocketsJoin(params string[] rooms) => Request(2, w => Strings(w, "rooms", rooms));

    /// <summary>Makes the selected sockets of every server leave <paramref name="rooms"/>.</summary>
    public void SocketsLeave(params string[] rooms) => Request(3, w => Strings(w, "rooms", rooms));

    /// <summary>Disconnects the selected sockets of every server; <paramref name="close"/> also closes their connections.</summary>
    public void DisconnectSockets(bool close = false) => Request(4, w => w.WriteBoolean("close", close));

    /// <summary>Sends an event to every server's <c>OnServerSideEmit</c> handlers (no acknowledgement, as in Node).</summary>
    public void ServerSideEmit(string eventName, params object?[]? args)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _json.Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("uid", EmitterUid);
            w.WriteNumber("type", 6);
            w.WriteStartArray("data");
            w.WriteStringValue(eventName);
            foreach (var arg in args ?? [null]) JsonSerializer.Serialize(w, arg, _json);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        Publish($"{_key}-request#{Namespace}#", buffer.WrittenSpan.ToArray());
    }

    private void Request(int type, Action<Utf8JsonWriter> more)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _json.Encoder }))
        {
            w.WriteStartObject();
            w.WriteNumber("type", type);
            w.WriteStartObject("opts");
            Strings(w, "rooms", _rooms);
            Strings(w, "except", _except);
            w.WriteEndObject();
            more(w);
            w.WriteEndObject();
        }
        Publish($"{_key}-request#{Namespace}#", buffer.WrittenSpan.ToArray());
    }

    private void Publish(string channel, byte[] message) =>
        _redis.GetSubscriber().Publish(RedisChannel.Literal(channel), message, CommandFlags.FireAndForget);

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static IReadOnlySet<string> With(IReadOnlySet<string> set, string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return new HashSet<string>(set, StringComparer.Ordinal) { room };
    }

    private static string Normalize(string nsp) => nsp.StartsWith('/') ? nsp : "/" + nsp;
}
