using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Realtime.SocketIO.Redis;
using Realtime.Testing;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// A C# member of the cluster: a real Kestrel on 127.0.0.1 with a Socket.IO server on the Redis adapter, serving the
/// same events as the Node member (node/cluster-server.mjs): join (with ack), chat to a room, broadcast to all.
/// </summary>
public sealed class CSharpNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CSharpNode(WebApplication app, SocketIOServer io, Uri address, Transcript log)
    {
        _app = app;
        IO = io;
        Address = address;
        Log = log;
    }

    public SocketIOServer IO { get; }

    public Uri Address { get; }

    public Transcript Log { get; }

    /// <summary>The main namespace's adapter.</summary>
    public RedisSocketIOAdapter Adapter => (RedisSocketIOAdapter)IO.Sockets.Adapter;

    /// <summary>Starts a node; unless told otherwise, returns once its adapter listens to the cluster.</summary>
    public static async Task<CSharpNode> StartAsync(RedisServer redis, string name, Action<RedisAdapterOptions>? options = null,
        Action<SocketIOServer>? configure = null, bool waitForCluster = true)
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        builder.Services.AddSocketIO().AddRedisAdapter(redis.Configuration, options);
        var app = builder.Build();
        var io = app.MapSocketIO().Server;
        io.OnConnection(socket =>
        {
            socket.Data["server"] = name;
            socket.On("join", (SocketIOArgs args) =>
            {
                socket.Join(args.Get<string>(0)!);
                args.Ack?.Invoke(true);
            });
            socket.On("chat", (JsonElement msg) => io.To(msg.GetProperty("room").GetString()!).Emit("chat", msg));
            socket.On("broadcast", (JsonElement payload) => io.Emit("news", payload));
        });
        configure?.Invoke(io);
        var node = new CSharpNode(app, io, await LocalKestrel.StartAsync(app), log);
        if (waitForCluster) await Wait.For(node.Adapter.Subscribed, $"{name} to subscribe to the cluster's channels");
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// A Node script of <c>node/</c> (the official client, server or emitter from the repository's node_modules), whose
/// lines are JSON objects.
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private readonly NodeProcess _process;

    private NodePeer(NodeProcess process) => _process = process;

    public Transcript Output => _process.Output;

    /// <summary>
    /// How long a Node process may take to start and report (loading socket.io and connecting to Redis): longer than the
    /// suite's event timeout, because on a busy two-core machine starting Node is slow, and a start is not what is tested.
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts node/cluster-server.mjs (the official server with the official Redis adapter) and waits until it listens.</summary>
    public static async Task<NodePeer> StartServerAsync(RedisServer redis, int port)
    {
        var server = Start("cluster-server.mjs", [port.ToString(), $"redis://{redis.Configuration}"]);
        await server.Output.WaitFor(l => l.Contains("\"listening\"", StringComparison.Ordinal), timeout: StartTimeout, what: "the Node server to listen");
        return server;
    }

    public static NodePeer Start(string script, IEnumerable<string> args, [CallerFilePath] string sourceFile = "") =>
        new(NodeProcess.Start(Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"), script, args));

    /// <summary>
    /// An official client connected to <paramref name="server"/> (WebSocket unless told otherwise); returns once connected.
    /// Given <paramref name="answer"/>, it answers every event that asks for an acknowledgement with it.
    /// </summary>
    public static async Task<NodePeer> ConnectAsync(Uri server, string transport = "websocket", string? answer = null)
    {
        var client = Start("client.mjs", answer is null ? [server.ToString(), transport] : [server.ToString(), transport, answer]);
        await client.Output.WaitFor(l => l.StartsWith("{\"connected\"", StringComparison.Ordinal), timeout: StartTimeout, what: $"a client connected to {server}");
        return client;
    }

    /// <summary>The socket id the client got.</summary>
    public string SocketId => Lines(l => l.TryGetProperty("connected", out _)).First().GetProperty("connected").GetString()!;

    public Task SendAsync(object command) => _process.SendAsync(JsonSerializer.Serialize(command));

    /// <summary>Emits and waits for the server's ack (the next <c>{"ack":…}</c> line).</summary>
    public async Task<JsonElement> EmitWithAckAsync(params object[] eventAndArgs)
    {
        var acks = Lines(l => l.TryGetProperty("ack", out _)).Count;
        await SendAsync(new { emitWithAck = eventAndArgs });
        await Output.WaitFor(l => l.StartsWith("{\"ack\"", StringComparison.Ordinal), acks + 1, what: $"the ack of {eventAndArgs[0]}");
        return Lines(l => l.TryGetProperty("ack", out _))[acks].GetProperty("ack")[0];
    }

    /// <summary>The arguments of every <paramref name="eventName"/> received so far.</summary>
    public IReadOnlyList<JsonElement> Received(string eventName) =>
        Lines(l => l.TryGetProperty("event", out var e) && e.GetString() == eventName).Select(l => l.GetProperty("args")).ToArray();

    /// <summary>Waits for the <paramref name="count"/>-th <paramref name="eventName"/>.</summary>
    public Task WaitForEvent(string eventName, int count = 1) =>
        Output.WaitFor(l => l.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal), count, what: $"event {eventName}");

    public IReadOnlyList<JsonElement> Lines(Func<JsonElement, bool> predicate) =>
        Output.Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).Where(predicate).ToArray();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
