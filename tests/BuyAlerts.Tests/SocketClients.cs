using System.Runtime.CompilerServices;
using System.Text.Json;
using Realtime.Testing;

namespace BuyAlerts.Tests;

/// <summary>
/// C# handle on <c>socket-clients.cjs</c>: several official Node Socket.IO clients, each named after a person,
/// whose frames and events land in <see cref="Output"/> (one line each).
/// </summary>
public sealed class SocketClients(NodeProcess node) : IAsyncDisposable
{
    public Transcript Output => node.Output;

    /// <summary>Starts the script from this source folder, so Node finds the repository's node_modules.</summary>
    public static SocketClients Start(Uri shop, [CallerFilePath] string sourceFile = "") =>
        new(NodeProcess.Start(Path.GetDirectoryName(sourceFile)!, "socket-clients.cjs", [shop.ToString()]));

    /// <summary>
    /// Connects <paramref name="name"/> (with a browser's cookie header, or none for a guest; with the Origin header of
    /// the page that opens it, or none as a Node client sends); returns (engine sid, socket id).
    /// </summary>
    public async Task<(string Sid, string SocketId)> ConnectAsync(string name, string? cookie = null, string? origin = null)
    {
        var line = await TryConnectAsync(name, cookie, origin);
        if (!line.StartsWith($"{name} connected ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{name} could not connect: {line}");
        }
        var ids = line[$"{name} connected ".Length..].Split(' ');
        return (ids[0], ids[1]);
    }

    /// <summary>Connects and returns the script's line: <c>&lt;name&gt; connected ...</c> or <c>&lt;name&gt; error ...</c>.</summary>
    public async Task<string> TryConnectAsync(string name, string? cookie = null, string? origin = null)
    {
        await SendAsync(new { cmd = "connect", name, cookie, origin });
        var prefix = $"{name} connected ";
        var failed = $"{name} error ";
        await Output.WaitFor(l => l.StartsWith(prefix, StringComparison.Ordinal) || l.StartsWith(failed, StringComparison.Ordinal),
            what: $"{name} to connect");
        return Output.Lines.Last(l => l.StartsWith(prefix, StringComparison.Ordinal) || l.StartsWith(failed, StringComparison.Ordinal));
    }

    public Task EmitAsync(string name, string eventName, object data, bool ack = false) =>
        SendAsync(new { cmd = "emit", name, @event = eventName, data, ack });

    /// <summary>Disconnects <paramref name="name"/> (the client sends DISCONNECT, <c>41</c>) and waits until the script says so.</summary>
    public async Task CloseAsync(string name)
    {
        await SendAsync(new { cmd = "close", name });
        await Output.WaitFor(l => l == $"{name} closed", what: $"{name} to close");
    }

    /// <summary>Waits until <paramref name="name"/> has received <paramref name="eventName"/> <paramref name="count"/> times.</summary>
    public Task WaitForEventAsync(string name, string eventName, int count = 1) =>
        Output.WaitFor(l => l.StartsWith($"{name} event {eventName} ", StringComparison.Ordinal), count, what: $"{name} to receive {eventName}");

    public Task WaitForAckAsync(string name, int count = 1) =>
        Output.WaitFor(l => l.StartsWith($"{name} ack ", StringComparison.Ordinal), count, what: $"{name} to be answered");

    /// <summary>The lines of one person, without the name: their frames and events in the order they happened.</summary>
    public IEnumerable<string> LinesOf(string name) =>
        Output.Lines.Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Select(l => l[(name.Length + 1)..]);

    /// <summary>The payloads of the <paramref name="eventName"/> events <paramref name="name"/> received.</summary>
    public IEnumerable<JsonElement> EventsOf(string name, string eventName) =>
        LinesOf(name).Where(l => l.StartsWith($"event {eventName} ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[$"event {eventName} ".Length..]).RootElement);

    private Task SendAsync(object command) => node.SendAsync(JsonSerializer.Serialize(command));

    public ValueTask DisposeAsync() => node.DisposeAsync();
}
