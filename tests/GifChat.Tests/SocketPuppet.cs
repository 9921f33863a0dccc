using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Testing;

namespace GifChat.Tests;

/// <summary>
/// Socket.IO clients played by the official Node client (<c>node/puppet.mjs</c>, socket.io-client from the repo's
/// node_modules): the test sends commands (connect as someone with their cookie, emit, close) and waits for what each
/// client receives, one JSON line per event.
/// </summary>
public sealed class SocketPuppet : IAsyncDisposable
{
    private readonly Process _node;
    private readonly Transcript _received = new();
    private int _taken;

    private SocketPuppet(Process node) => _node = node;

    /// <summary>Every line received so far, raw (for failure messages).</summary>
    public Transcript Received => _received;

    /// <summary>What node wrote to stderr (kept apart, so a warning cannot shift the events).</summary>
    public Transcript Errors { get; } = new();

    public static async Task<SocketPuppet> StartAsync(Uri baseAddress)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "node", "puppet.mjs");
        var start = new ProcessStartInfo("node", [script, baseAddress.ToString().TrimEnd('/')])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var puppet = new SocketPuppet(node);
        node.OutputDataReceived += (_, e) => { if (e.Data is not null) puppet._received.Add(e.Data); };
        node.ErrorDataReceived += (_, e) => { if (e.Data is not null) puppet.Errors.Add(e.Data); };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        await puppet._received.WaitForText("{\"ready\":true}");
        puppet._taken = 1;
        return puppet;
    }

    /// <summary>Connects <paramref name="name"/> to a namespace; with <paramref name="wire"/>, its packets are reported too.</summary>
    public Task ConnectAsync(string name, string nsp, string? cookie = null, bool wire = false) =>
        SendAsync(new { op = "connect", name, nsp, cookie, wire });

    /// <summary>
    /// Connects <paramref name="name"/> as a page on <paramref name="origin"/> would: that <c>Origin</c> header (a
    /// page cannot forge it) and the visitor's cookie, over the given transports.
    /// </summary>
    public Task ConnectFromAsync(string name, string nsp, string origin, string? cookie, string[] transports) =>
        SendAsync(new { op = "connect", name, nsp, cookie, origin, transports, wire = false });

    public Task EmitAsync(string name, string eventName, object?[] args, bool ack = false) =>
        SendAsync(new { op = "emit", name, @event = eventName, args, ack });

    public Task CloseAsync(string name) => SendAsync(new { op = "close", name });

    /// <summary>
    /// Waits until <paramref name="count"/> more events have arrived and returns them, grouped by receiver in the
    /// order of <paramref name="receivers"/>, each receiver's packets (if reported) before its events. Each kind keeps
    /// its order: only interleavings that no one controls are normalised.
    /// </summary>
    public async Task<IReadOnlyList<PuppetEvent>> NextAsync(int count, params string[] receivers)
    {
        var wanted = _taken + count;
        try
        {
            await _received.WaitFor(_ => true, wanted, what: $"({count} more socket events)");
        }
        catch (TimeoutException e) when (Errors.Lines.Count > 0)
        {
            throw new TimeoutException($"{e.Message}\nnode's stderr:\n{Errors}", e);
        }
        var lines = _received.Lines.Skip(_taken).Take(count).ToList();
        _taken = wanted;
        var events = lines.Select(PuppetEvent.Parse).ToList();
        // socket.io-client hands decoded packets to the app on the next tick, so whether an event comes before or after
        // the next packet depends on whether they shared a polling response: a client's packets go first, then its events.
        return [.. events
            .OrderBy(e => Array.IndexOf(receivers, e.Who) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(e => e.Wire is null ? 1 : 0)];
    }

    private async Task SendAsync(object command)
    {
        await _node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _node.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(new { op = "exit" });
            await _node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            _node.Kill(entireProcessTree: true);
        }
        _node.Dispose();
    }
}

/// <summary>
/// One thing a client saw: who, which event, its arguments as JSON, and the socket id on connect; or, for a client
/// connected with <c>wire</c>, one packet as it travelled (<see cref="Wire"/>).
/// </summary>
public sealed record PuppetEvent(string Who, string Event, string Args, string? Id, string? Wire = null)
{
    public static PuppetEvent Parse(string line)
    {
        var json = JsonNode.Parse(line) ?? throw new InvalidOperationException("not JSON: " + line);
        var who = json["who"]!.GetValue<string>();
        if (json["wire"] is { } wire)
        {
            return new(who, "", "", null, wire.GetValue<string>());
        }
        var args = json["args"] is JsonArray array ? string.Join(", ", array.Select(a => a?.ToJsonString(Readable) ?? "null")) : "";
        return new(who, json["event"]!.GetValue<string>(), args, json["id"]?.GetValue<string>());
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ToString() =>
        Wire is not null ? $"{Who} {Wire}" : $"{Who} <- {Event}{(Args.Length > 0 ? " " + Args : "")}";
}
