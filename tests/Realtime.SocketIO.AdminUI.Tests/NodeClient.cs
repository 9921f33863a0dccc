using System.Runtime.CompilerServices;
using System.Text.Json;
using Realtime.Testing;

namespace Realtime.SocketIO.AdminUI.Tests;

/// <summary>
/// node/client.mjs: the official socket.io-client in a Node process, connected to one namespace: the dashboard's
/// <c>/admin</c> (what the dashboard's page does) or an app's <c>/</c>. Its lines are JSON; see the script.
/// </summary>
public sealed class NodeClient : IAsyncDisposable
{
    private readonly NodeProcess _process;

    private NodeClient(NodeProcess process) => _process = process;

    /// <summary>Starting Node and loading the client is slow on a busy two-core machine; it is not what is tested.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public Transcript Output => _process.Output;

    /// <summary>Starts a client of <paramref name="url"/> (namespace included) and waits until it connected or was refused.</summary>
    public static async Task<NodeClient> StartAsync(Uri url, object? auth = null, object? headers = null, [CallerFilePath] string sourceFile = "")
    {
        var args = new List<string> { url.ToString(), JsonSerializer.Serialize(auth ?? new { }) };
        if (headers is not null) args.Add(JsonSerializer.Serialize(headers));
        var client = new NodeClient(NodeProcess.Start(Path.Combine(Path.GetDirectoryName(sourceFile)!, "node"), "client.mjs", args));
        await client.Output.WaitFor(l => l.StartsWith("{\"connect", StringComparison.Ordinal), timeout: StartTimeout, what: $"a client of {url} to connect");
        return client;
    }

    /// <summary>The socket id, or null if the connection was refused.</summary>
    public string? SocketId => First("connected")?.GetString();

    /// <summary>Why the connection was refused (<c>connect_error</c>), or null.</summary>
    public string? ConnectError => First("connect_error")?.GetString();

    public Task EmitAsync(params object?[] eventAndArgs) => _process.SendAsync(JsonSerializer.Serialize(new { emit = eventAndArgs }));

    /// <summary>Waits for the <paramref name="count"/>-th <paramref name="eventName"/> and returns its arguments.</summary>
    public async Task<JsonElement> EventAsync(string eventName, int count = 1)
    {
        await Output.WaitFor(l => l.StartsWith($"{{\"event\":\"{eventName}\"", StringComparison.Ordinal), count, what: $"event {eventName}");
        return Events(eventName)[count - 1];
    }

    /// <summary>Waits for the first <paramref name="eventName"/> whose arguments satisfy <paramref name="match"/>.</summary>
    public async Task<JsonElement> EventAsync(string eventName, Func<JsonElement, bool> match)
    {
        await Output.WaitFor(l => l.StartsWith($"{{\"event\":\"{eventName}\"", StringComparison.Ordinal) && match(Args(l)), what: $"event {eventName} as expected");
        return Events(eventName).First(match);
    }

    /// <summary>The arguments of every <paramref name="eventName"/> so far.</summary>
    public IReadOnlyList<JsonElement> Events(string eventName) =>
        [.. Output.Lines.Where(l => l.StartsWith($"{{\"event\":\"{eventName}\"", StringComparison.Ordinal)).Select(Args)];

    public Task DisconnectedAsync() => Output.WaitFor(l => l.StartsWith("{\"disconnect\"", StringComparison.Ordinal), what: "the client to be disconnected");

    private static JsonElement Args(string line) => JsonDocument.Parse(line).RootElement.GetProperty("args").Clone();

    private JsonElement? First(string key) => Output.Lines.Where(l => l.StartsWith('{'))
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty(key, out _)).Select(l => (JsonElement?)l.GetProperty(key)).FirstOrDefault();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
