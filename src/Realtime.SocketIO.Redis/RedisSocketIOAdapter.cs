using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using StackExchange.Redis;

namespace Realtime.SocketIO.Redis;

/// <summary>
/// The rooms of one namespace, shared by every server of a cluster through Redis pub/sub, wire-compatible with
/// <c>@socket.io/redis-adapter</c> 8.3 (default options): C# and Node servers can serve one cluster.
/// <list type="bullet">
/// <item>A broadcast reaches this server's sockets directly and is published on <c>{key}#{nsp}#</c> (or
/// <c>{key}#{nsp}#{room}#</c> for exactly one room) for the others, in MessagePack (<see cref="RedisPacketCodec"/>).</item>
/// <item>Cluster-wide operations (socketsJoin/Leave, disconnectSockets, fetchSockets, serverSideEmit) are JSON requests on
/// <c>{key}-request#{nsp}#</c>; answers come back on <c>{key}-response#{nsp}#</c>. A broadcast with acks is a MessagePack
/// request there; each server answers how many clients it reached, then each client's answer.</item>
/// <item>The number of servers is the number of subscribers of the request channel (<c>PUBSUB NUMSUB</c>): a server
/// that dies drops its subscription with its connection, and is no longer counted.</item>
/// </list>
/// While Redis is away the server serves its own clients as a single server would: broadcasts reach its sockets,
/// queries answer with its own sockets, nothing throws; cluster traffic resumes when Redis returns.
/// </summary>
public sealed partial class RedisSocketIOAdapter : InMemorySocketIOAdapter
{
    private enum RequestType { Sockets = 0, AllRooms = 1, RemoteJoin = 2, RemoteLeave = 3, RemoteDisconnect = 4, RemoteFetch = 5, ServerSideEmit = 6, Broadcast = 7 }

    private readonly RedisAdapterConnection _connection;
    private readonly RedisAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _channel, _requestChannel, _responseChannel, _specificResponseChannel;
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AckRequest> _ackRequests = new(StringComparer.Ordinal);
    private readonly List<ChannelMessageQueue> _queues = [];
    private int _lastServerCount = 1;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The adapter of <paramref name="nsp"/>; starts subscribing at once.</summary>
    public RedisSocketIOAdapter(SocketIONamespace nsp, RedisAdapterConnection connection, TimeProvider? timeProvider = null) : base(nsp)
    {
        _connection = connection;
        _options = connection.Options;
        _logger = connection.LoggerFactory.CreateLogger<RedisSocketIOAdapter>();
        _time = timeProvider ?? TimeProvider.System;
        Uid = NewId();
        _channel = $"{_options.Key}#{nsp.Name}#";
        _requestChannel = $"{_options.Key}-request#{nsp.Name}#";
        _responseChannel = $"{_options.Key}-response#{nsp.Name}#";
        _specificResponseChannel = $"{_responseChannel}{Uid}#";
        _subscribing = SubscribeUntilDoneAsync();
    }

    /// <summary>This server's id in the cluster for this namespace (six characters, as Node's <c>uid2(6)</c>).</summary>
    public string Uid { get; }

    /// <summary>Completes when this adapter listens to the cluster (its channels are subscribed; later, if Redis was down).</summary>
    public Task Subscribed => _subscribed.Task;

    // ---- broadcasts ----

    /// <inheritdoc />
    public override void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        if (!options.Flags.Local)
        {
            var channel = options.Rooms.Count == 1 ? $"{_channel}{options.Rooms.First()}#" : _channel;
            Publish(channel, () => RedisPacketCodec.EncodeBroadcast(Uid, Namespace.Name, packet.Encoded, options.Rooms, options.Except, options.Flags), "a broadcast");
        }
        base.Broadcast(packet, options);
    }

    private void OnBroadcast(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        if (!channel.StartsWith(_channel, StringComparison.Ordinal)) return;
        // A message for one room this server has no socket in is dropped before it is decoded.
        var room = channel.Length > _channel.Length ? channel[_channel.Length..^1] : "";
        if (room.Length > 0 && !HasRoom(room)) return;

        var broadcast = RedisPacketCodec.DecodeBroadcast((byte[])message.Message!);
        if (broadcast is null || broadcast.Uid == Uid || broadcast.Namespace != Namespace.Name) return;
        var options = new SocketIOBroadcastOptions(new HashSet<string>(broadcast.Rooms, StringComparer.Ordinal),
            new HashSet<string>(broadcast.Except, StringComparer.Ordinal),
            broadcast.Flags.GetValueOrDefault("volatile") is true ? new SocketIOBroadcastFlags { Volatile = true } : SocketIOBroadcastFlags.None);
        base.Broadcast(new SocketIOBroadcastPacket(Namespace, broadcast.EventName, broadcast.Args), options);
    }

    /// <inheritdoc />
    /// <remarks>
    /// As @socket.io/redis-adapter: a BROADCAST request (MessagePack) asks the other servers to broadcast it; each
    /// answers once with how many clients it reached (BROADCAST_CLIENT_COUNT) and once per client answer (BROADCAST_ACK).
    /// Late answers are ignored once the broadcast's timeout has passed.
    /// </remarks>
    public override void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options,
        Action<int, IReadOnlyCollection<string>> sentTo, Action<string?, SocketIOArgs> ack)
    {
        if (!options.Flags.Local)
        {
            var requestId = NewId();
            _ackRequests[requestId] = new AckRequest(sentTo, ack);
            // The operator stops waiting after its timeout; the request is forgotten then too (bounded memory).
            var forgetAfter = options.Flags.Timeout ?? _options.RequestsTimeout;
            _ = Task.Delay(forgetAfter, _time).ContinueWith(_ => _ackRequests.TryRemove(requestId, out AckRequest? _), TaskScheduler.Default);
            Publish(_requestChannel, () => RedisPacketCodec.EncodeBroadcastRequest(Uid, requestId, Namespace.Name, packet.Encoded, options.Rooms, options.Except, options.Flags),
                "a broadcast with acknowledgements");
        }
        base.BroadcastWithAck(packet, options, sentTo, ack);
    }

    /// <summary>A client's answer decoded from MessagePack, as the arguments of an ack (its one argument).</summary>
    private SocketIOArgs ToArgs(object? answer)
    {
        using var document = JsonDocument.Parse(RedisPacketCodec.Json(new object?[] { answer }));
        return SocketIOArgs.FromJson("", document.RootElement.Clone(), 0, null, Namespace.Server.Options.JsonSerializerOptions);
    }

    private sealed record AckRequest(Action<int, IReadOnlyCollection<string>> SentTo, Action<string?, SocketIOArgs> Ack);

    /// <summary>Another server's broadcast with acknowledgements: send it to this server's sockets and report back.</summary>
    private void OnBroadcastRequest(RedisPacketCodec.BroadcastRequest request)
    {
        var broadcast = request.Broadcast;
        if (request.Uid == Uid || broadcast.Namespace != Namespace.Name) return; // our own, heard back
        var options = new SocketIOBroadcastOptions(new HashSet<string>(broadcast.Rooms, StringComparer.Ordinal),
            new HashSet<string>(broadcast.Except, StringComparer.Ordinal),
            broadcast.Flags.GetValueOrDefault("volatile") is true ? new SocketIOBroadcastFlags { Volatile = true } : SocketIOBroadcastFlags.None);
        // This server's own ack id (the namespace's counter), as Node's adapter does.
        var packet = new SocketIOBroadcastPacket(Namespace, broadcast.EventName, broadcast.Args, NextAckId());
        var channel = _options.PublishOnSpecificResponseChannel ? $"{_responseChannel}{request.Uid}#" : _responseChannel;
        // The asking server stops waiting after its timeout (in the flags; Node sends it too): so do this server's sockets.
        var timeout = broadcast.Flags.GetValueOrDefault("timeout") is long ms and > 0 and <= int.MaxValue ? TimeSpan.FromMilliseconds(ms) : _options.RequestsTimeout;
        base.BroadcastWithAck(packet, options,
            (count, reached) =>
            {
                if (reached.Count > 0)
                    _ = Task.Delay(timeout, _time).ContinueWith(_ => ForgetBroadcastAcks(packet.AckId!.Value, reached), TaskScheduler.Default);
                Publish(channel, () => Json(w =>
                {
                    w.WriteNumber("type", RedisPacketCodec.BroadcastClientCountType);
                    w.WriteString("requestId", request.RequestId);
                    w.WriteNumber("clientCount", count);
                }), "a broadcast's client count");
            },
            (_, answer) => Publish(channel, () => RedisPacketCodec.EncodeBroadcastAck(request.RequestId, answer), "a client's answer to a broadcast"));
    }

    // ---- cluster-wide operations ----

    /// <inheritdoc />
    public override void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.AddSockets(options, rooms);
        if (!options.Flags.Local) PublishRequest(RequestType.RemoteJoin, options, w => WriteStrings(w, "rooms", rooms));
    }

    /// <inheritdoc />
    public override void DelSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.DelSockets(options, rooms);
        if (!options.Flags.Local) PublishRequest(RequestType.RemoteLeave, options, w => WriteStrings(w, "rooms", rooms));
    }

    /// <inheritdoc />
    public override void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        base.DisconnectSockets(options, close);
        if (!options.Flags.Local) PublishRequest(RequestType.RemoteDisconnect, options, w => w.WriteBoolean("close", close));
    }

    private void PublishRequest(RequestType type, SocketIOBroadcastOptions options, Action<Utf8JsonWriter> more) =>
        Publish(_requestChannel, () => Json(w =>
        {
            w.WriteString("uid", Uid);
            w.WriteNumber("type", (int)type);
            WriteOpts(w, options);
            more(w);
        }), "a " + type + " request");

    /// <inheritdoc />
    /// <remarks>
    /// While Redis is unreachable: 1 (this server is all it can reach). When Redis is connected but the count does not
    /// come back (a slow or overloaded Redis), the last count that did, rather than pretending the cluster shrank.
    /// </remarks>
    public override async Task<int> ServerCountAsync(CancellationToken cancellationToken = default)
    {
        if (!_connection.IsConnected) return 1;
        try
        {
            var redis = await _connection.GetAsync().ConfigureAwait(false);
            var reply = await redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _requestChannel).WaitAsync(cancellationToken).ConfigureAwait(false);
            var values = (RedisResult[])reply!;
            var count = Math.Max(1, (int)values[1]);
            Volatile.Write(ref _lastServerCount, count);
            return count;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.PublishSkipped(_logger, Namespace.Name, "a server count");
            return _connection.IsConnected ? Volatile.Read(ref _lastServerCount) : 1;
        }
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken = default)
    {
        var local = await base.FetchSocketsAsync(options, cancellationToken).ConfigureAwait(false);
        if (options.Flags.Local) return local;
        var others = await ServerCountAsync(cancellationToken).ConfigureAwait(false) - 1;
        if (others <= 0) return local;

        var answers = await RequestAsync("fetchSockets", others, cancellationToken, (w, id) =>
        {
            w.WriteString("uid", Uid);
            w.WriteString("requestId", id);
            w.WriteNumber("type", (int)RequestType.RemoteFetch);
            WriteOpts(w, options);
        }).ConfigureAwait(false);
        var result = new List<ISocketIORemoteSocket>(local);
        foreach (var answer in answers)
        {
            if (!answer.TryGetProperty("sockets", out var sockets) || sockets.ValueKind != JsonValueKind.Array) continue;
            foreach (var socket in sockets.EnumerateArray()) result.Add(ReadRemoteSocket(socket));
        }
        return result;
    }

    /// <inheritdoc />
    public override void ServerSideEmit(string eventName, IReadOnlyList<object?> args) =>
        Publish(_requestChannel, () => Json(w =>
        {
            w.WriteString("uid", Uid);
            w.WriteNumber("type", (int)RequestType.ServerSideEmit);
            WriteEvent(w, eventName, args);
        }), "a server-side emit");

    /// <inheritdoc />
    public override async Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(string eventName, IReadOnlyList<object?> args, CancellationToken cancellationToken = default)
    {
        var others = await ServerCountAsync(cancellationToken).ConfigureAwait(false) - 1;
        if (others <= 0) return [];
        var answers = await RequestAsync("serverSideEmit", others, cancellationToken, (w, id) =>
        {
            w.WriteString("uid", Uid);
            w.WriteString("requestId", id);
            w.WriteNumber("type", (int)RequestType.ServerSideEmit);
            WriteEvent(w, eventName, args);
        }).ConfigureAwait(false);
        return answers.Select(a => a.TryGetProperty("data", out var data) ? data : default).ToArray();
    }

    /// <summary>Publishes a request and waits for <paramref name="expected"/> answers, or the timeout.</summary>
    private async Task<List<JsonElement>> RequestAsync(string what, int expected, CancellationToken cancellationToken, Action<Utf8JsonWriter, string> write)
    {
        var id = NewId();
        var pending = new PendingRequest(expected);
        _requests[id] = pending;
        try
        {
            if (!Publish(_requestChannel, () => Json(w => write(w, id)), "a " + what + " request"))
                throw new SocketIOClusterTimeoutException(what, TimeSpan.Zero, expected, 0, []);
            await pending.Done.Task.WaitAsync(_options.RequestsTimeout, _time, cancellationToken).ConfigureAwait(false);
            return pending.Answers;
        }
        catch (TimeoutException) when (!pending.Done.Task.IsCompleted)
        {
            lock (pending) throw new SocketIOClusterTimeoutException(what, _options.RequestsTimeout, expected, pending.Answers.Count, [.. pending.Answerers]);
        }
        finally
        {
            _requests.TryRemove(id, out _);
        }
    }

    private sealed class PendingRequest(int expected)
    {
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<JsonElement> Answers = [];
        public readonly List<string> Answerers = [];

        public void Add(JsonElement answer)
        {
            lock (this)
            {
                if (Answers.Count == expected) return;
                Answers.Add(answer);
                if (answer.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.String) Answerers.Add(uid.GetString()!);
                if (Answers.Count == expected) Done.TrySetResult();
            }
        }
    }

    // ---- what the others ask ----

    private async Task OnRequestAsync(ChannelMessage message)
    {
        var bytes = (byte[])message.Message!;
        if (bytes.Length == 0 || bytes[0] != (byte)'{')
        {
            // In MessagePack: a BROADCAST request (a broadcast waiting for acks), the only request Node sends that way.
            if (RedisPacketCodec.DecodeBroadcastRequest(bytes) is { } broadcast) OnBroadcastRequest(broadcast);
            else Log.RequestUnsupported(_logger, Namespace.Name, -1);
            return;
        }
        using var document = JsonDocument.Parse(bytes);
        var request = document.RootElement;
        var type = request.TryGetProperty("type", out var t) && t.TryGetInt64(out var n) ? n : -1;
        var requestId = request.TryGetProperty("requestId", out var r) ? r.GetString() : null;
        var fromSelf = request.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String && u.GetString() == Uid;
        switch ((RequestType)type)
        {
            case RequestType.Sockets when !fromSelf && requestId is not null:
            {
                var ids = await SocketsAsync(Strings(request, "rooms").ToHashSet(StringComparer.Ordinal)).ConfigureAwait(false);
                Respond(request, w => { w.WriteString("requestId", requestId); WriteStrings(w, "sockets", ids); });
                break;
            }
            case RequestType.AllRooms when !fromSelf && requestId is not null:
                Respond(request, w => { w.WriteString("requestId", requestId); WriteStrings(w, "rooms", Rooms); });
                break;
            case RequestType.RemoteJoin or RequestType.RemoteLeave or RequestType.RemoteDisconnect when !fromSelf:
                OnRemoteRoomRequest((RequestType)type, request, requestId);
                break;
            case RequestType.RemoteFetch when !fromSelf && requestId is not null:
            {
                var sockets = await base.FetchSocketsAsync(ReadOpts(request)).ConfigureAwait(false);
                Respond(request, w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WriteString("uid", Uid);
                    w.WriteStartArray("sockets");
                    foreach (var socket in sockets.OfType<SocketIOSocket>()) WriteSocket(w, socket);
                    w.WriteEndArray();
                });
                break;
            }
            case RequestType.ServerSideEmit when !fromSelf:
                OnServerSideEmit(request, requestId);
                break;
            case RequestType.Sockets or RequestType.AllRooms or RequestType.RemoteJoin or RequestType.RemoteLeave
                or RequestType.RemoteDisconnect or RequestType.RemoteFetch or RequestType.ServerSideEmit:
                break; // our own request, heard back
            default:
                Log.RequestUnsupported(_logger, Namespace.Name, type);
                break;
        }
    }

    private void OnRemoteRoomRequest(RequestType type, JsonElement request, string? requestId)
    {
        if (request.TryGetProperty("opts", out _))
        {
            var options = ReadOpts(request);
            if (type == RequestType.RemoteJoin) base.AddSockets(options, Strings(request, "rooms"));
            else if (type == RequestType.RemoteLeave) base.DelSockets(options, Strings(request, "rooms"));
            else base.DisconnectSockets(options, request.TryGetProperty("close", out var c) && c.ValueKind == JsonValueKind.True);
            return;
        }
        // The older form, one socket by id: { sid, room } (answered, so the sender knows it was done).
        var sid = request.TryGetProperty("sid", out var s) ? s.GetString() : null;
        if (sid is null || !Namespace.Sockets.TryGetValue(sid, out var socket)) return;
        var room = request.TryGetProperty("room", out var rm) ? rm.GetString() : null;
        if (type == RequestType.RemoteJoin && room is not null) socket.Join(room);
        else if (type == RequestType.RemoteLeave && room is not null) socket.Leave(room);
        else if (type == RequestType.RemoteDisconnect) socket.Disconnect(request.TryGetProperty("close", out var c) && c.ValueKind == JsonValueKind.True);
        if (requestId is not null) Respond(request, w => w.WriteString("requestId", requestId));
    }

    private void OnServerSideEmit(JsonElement request, string? requestId)
    {
        if (!request.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
            || data[0].ValueKind != JsonValueKind.String) return;
        SocketIOAck? ack = null;
        if (requestId is not null)
        {
            var answered = 0;
            // One answer per server, its first argument (as Node's callback takes one).
            ack = args =>
            {
                if (Interlocked.Exchange(ref answered, 1) == 1) return;
                var value = args is { Length: > 0 } ? args[0] : null;
                Publish(_responseChannel, () => Json(w =>
                {
                    w.WriteNumber("type", (int)RequestType.ServerSideEmit);
                    w.WriteString("requestId", requestId);
                    w.WriteString("uid", Uid);
                    w.WritePropertyName("data");
                    JsonSerializer.Serialize(w, value, Namespace.Server.Options.JsonSerializerOptions);
                }), "a server-side emit answer");
            };
        }
        Namespace.RaiseServerSideEmit(SocketIOArgs.FromJson(data[0].GetString()!, data.Clone(), 1, ack, Namespace.Server.Options.JsonSerializerOptions));
    }

    private void Respond(JsonElement request, Action<Utf8JsonWriter> write)
    {
        var channel = _options.PublishOnSpecificResponseChannel && request.TryGetProperty("uid", out var uid)
            ? $"{_responseChannel}{uid.GetString()}#"
            : _responseChannel;
        Publish(channel, () => Json(write), "an answer");
    }

    private void OnResponse(ChannelMessage message)
    {
        var bytes = (byte[])message.Message!;
        if (bytes.Length == 0) return;
        if (bytes[0] != (byte)'{')
        {
            // In MessagePack: a client's answer to a broadcast with acks.
            if (RedisPacketCodec.DecodeBroadcastAck(bytes) is { } answer && _ackRequests.TryGetValue(answer.RequestId, out var waiting))
                waiting.Ack(null, ToArgs(answer.Answer));
            return;
        }
        using var document = JsonDocument.Parse(bytes);
        var response = document.RootElement;
        if (response.TryGetProperty("type", out var type) && type.TryGetInt32(out var t) && t == RedisPacketCodec.BroadcastClientCountType)
        {
            if (response.TryGetProperty("requestId", out var rid) && rid.ValueKind == JsonValueKind.String
                && _ackRequests.TryGetValue(rid.GetString()!, out var request)
                && response.TryGetProperty("clientCount", out var count) && count.TryGetInt32(out var clients) && clients >= 0)
                request.SentTo(clients, []);
            return;
        }
        if (response.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String
            && _requests.TryGetValue(id.GetString()!, out var pending))
            pending.Add(response.Clone());
    }

    // ---- the wire: JSON of requests and of remote sockets ----

    private static void WriteOpts(Utf8JsonWriter w, SocketIOBroadcastOptions options)
    {
        w.WriteStartObject("opts");
        WriteStrings(w, "rooms", options.Rooms);
        WriteStrings(w, "except", options.Except);
        w.WriteEndObject();
    }

    private static SocketIOBroadcastOptions ReadOpts(JsonElement request)
    {
        var opts = request.TryGetProperty("opts", out var o) ? o : default;
        return new SocketIOBroadcastOptions(Strings(opts, "rooms").ToHashSet(StringComparer.Ordinal),
            Strings(opts, "except").ToHashSet(StringComparer.Ordinal), SocketIOBroadcastFlags.None);
    }

    private void WriteEvent(Utf8JsonWriter w, string eventName, IReadOnlyList<object?> args)
    {
        w.WriteStartArray("data");
        w.WriteStringValue(eventName);
        foreach (var arg in args) JsonSerializer.Serialize(w, arg, Namespace.Server.Options.JsonSerializerOptions);
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToArray()
            : [];

    /// <summary>A local socket as Node's adapter describes it: id, handshake, rooms and data.</summary>
    private void WriteSocket(Utf8JsonWriter w, SocketIOSocket socket)
    {
        var handshake = socket.Handshake;
        w.WriteStartObject();
        w.WriteString("id", socket.Id);
        w.WriteStartObject("handshake");
        w.WriteStartObject("headers");
        foreach (var (name, values) in handshake.Headers) w.WriteString(name.ToLowerInvariant(), values.ToString());
        w.WriteEndObject();
        w.WriteString("time", handshake.Time.UtcDateTime.ToString("ddd MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("address", handshake.Address);
        w.WriteBoolean("xdomain", handshake.XDomain);
        w.WriteBoolean("secure", handshake.Secure);
        w.WriteNumber("issued", handshake.Issued);
        w.WriteString("url", handshake.Url);
        w.WriteStartObject("query");
        foreach (var (name, values) in handshake.Query) w.WriteString(name, values.ToString());
        w.WriteEndObject();
        w.WritePropertyName("auth");
        handshake.Auth.WriteTo(w);
        w.WriteEndObject();
        WriteStrings(w, "rooms", socket.Rooms);
        w.WritePropertyName("data");
        JsonSerializer.Serialize(w, socket.Data, Namespace.Server.Options.JsonSerializerOptions);
        w.WriteEndObject();
    }

    private SocketIORemoteSocket ReadRemoteSocket(JsonElement socket)
    {
        var h = socket.TryGetProperty("handshake", out var hs) && hs.ValueKind == JsonValueKind.Object ? hs : default;
        var headers = new HeaderDictionary();
        foreach (var (name, value) in Entries(h, "headers")) headers[name] = value;
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (name, value) in Entries(h, "query")) query[name] = value;
        var issued = h.ValueKind == JsonValueKind.Object && h.TryGetProperty("issued", out var i) && i.TryGetInt64(out var ms) ? ms : 0;
        var handshake = new SocketIOHandshake(headers, new QueryCollection(query),
            h.ValueKind == JsonValueKind.Object && h.TryGetProperty("auth", out var auth) ? auth : JsonDocument.Parse("{}").RootElement,
            String(h, "address"), DateTimeOffset.FromUnixTimeMilliseconds(issued), issued,
            Bool(h, "xdomain"), Bool(h, "secure"), String(h, "url"));
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (socket.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object)
            foreach (var property in d.EnumerateObject()) data[property.Name] = property.Value;
        return new SocketIORemoteSocket(this, String(socket, "id"), handshake, Strings(socket, "rooms").ToHashSet(StringComparer.Ordinal), data);
    }

    private static IEnumerable<(string, StringValues)> Entries(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in map.EnumerateObject())
        {
            yield return (property.Name, property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array => property.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()).ToArray(),
                _ => property.Value.GetRawText(),
            });
        }
    }

    private static string String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Realtime.SocketIO.Protocol.JsonStringifyEncoder.Instance }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // ---- Redis ----

    /// <summary>Publishes unless Redis is away (then the message is dropped and logged at Debug). True if sent.</summary>
    private bool Publish(string channel, Func<byte[]> message, string what)
    {
        if (_connection.IsConnected)
        {
            try
            {
                var redis = _connection.GetAsync().Result; // completed: IsConnected is true
                redis.GetSubscriber().Publish(RedisChannel.Literal(channel), message(), CommandFlags.FireAndForget);
                return true;
            }
            catch (RedisException)
            {
                // lost between the check and the send: as if it had been lost before
            }
        }
        Log.PublishSkipped(_logger, Namespace.Name, what);
        return false;
    }

    /// <summary>
    /// Subscribes to the cluster's channels; while Redis is unreachable, tries again each time it comes back (and every
    /// few seconds, in case a try failed for another reason). Once subscribed, StackExchange.Redis restores the
    /// subscriptions after each reconnection by itself.
    /// </summary>
    private async Task SubscribeUntilDoneAsync()
    {
        while (!IsClosed)
        {
            var restored = _connection.WhenRestored(); // taken before the try, so a return during it is not missed
            try
            {
                await SubscribeAsync().ConfigureAwait(false);
                _subscribed.TrySetResult();
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Log.SubscribeFailed(_logger, Namespace.Name, e.Message);
            }
            await Task.WhenAny(restored, Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync()
    {
        var redis = await _connection.GetAsync().ConfigureAwait(false);
        var subscriber = redis.GetSubscriber();
        foreach (var queue in _queues) await queue.UnsubscribeAsync().ConfigureAwait(false); // what a failed try left
        _queues.Clear();
        // One subscription, one queue, for every channel of this namespace: broadcasts, requests and responses are
        // handled one at a time in the order Redis delivered them, as Node's adapter does on its one subscriber
        // connection. (A queue per channel would let `io.socketsJoin("r"); io.to("r").emit(…)` from another server
        // arrive here as the emit before the join.) Subscribed before the literal request channel below, so once
        // NUMSUB counts this server it hears everything.
        var all = await subscriber.SubscribeAsync(RedisChannel.Pattern(GlobEscape(_options.Key) + "*#" + GlobEscape(Namespace.Name) + "#*")).ConfigureAwait(false);
        _queues.Add(all);
        all.OnMessage(async m =>
        {
            var channel = m.Channel.ToString();
            if (channel.StartsWith(_channel, StringComparison.Ordinal)) Guard(m, OnBroadcast);
            else if (channel == _responseChannel || channel == _specificResponseChannel) Guard(m, OnResponse);
            else if (channel == _requestChannel) await HandleRequestAsync(m).ConfigureAwait(false);
            // any other channel that matches the pattern (another namespace's name with "#" in it) is not ours
        });
        // The request channel by its own name as well: `PUBSUB NUMSUB` counts only literal subscriptions, and the
        // cluster counts its servers that way (Node's adapter too). Its messages already came through the pattern.
        var requests = await subscriber.SubscribeAsync(RedisChannel.Literal(_requestChannel)).ConfigureAwait(false);
        _queues.Add(requests);
        requests.OnMessage(static _ => { });
    }

    private async Task HandleRequestAsync(ChannelMessage m)
    {
        try
        {
            await OnRequestAsync(m).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            Log.Malformed(_logger, Namespace.Name, m.Channel.ToString(), e.Message);
        }
        catch (Exception e)
        {
            Log.MessageFailed(_logger, e, Namespace.Name, m.Channel.ToString());
        }
    }

    /// <summary>A literal for a Redis glob pattern: <c>*</c>, <c>?</c>, <c>[</c>, <c>]</c> and <c>\</c> escaped.</summary>
    private static string GlobEscape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private void Guard(ChannelMessage message, Action<ChannelMessage> handle)
    {
        try
        {
            handle(message);
        }
        catch (Exception e) when (e is MessagePack.MessagePackSerializationException or JsonException or InvalidCastException or FormatException or InvalidOperationException)
        {
            Log.Malformed(_logger, Namespace.Name, message.Channel.ToString(), e.Message);
        }
        catch (Exception e)
        {
            Log.MessageFailed(_logger, e, Namespace.Name, message.Channel.ToString());
        }
    }

    private static string NewId() => new(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6));
}
