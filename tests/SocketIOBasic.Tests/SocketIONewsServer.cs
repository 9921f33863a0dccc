extern alias sio;

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.EngineIO;
using Realtime.SocketIO;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// Step 03's Socket.IO server (its real Program) on a real port, with <see cref="Steps"/>: only the step's own log lines
/// (connection, reply, disconnect...), without the library's Engine.IO lines whose order depends on timing; and
/// <see cref="Sockets"/>: every server-side socket that ever connected, kept after it leaves, so a test can read
/// what the server did for it (<see cref="NewsSentTo"/>: how many news it was sent, seen with <c>OnAnyOutgoing</c>);
/// and <see cref="Transports"/>.
/// </summary>
public sealed class SocketIONewsServer : IAsyncDisposable
{
    private SocketIONewsServer(RunningApp<sio::Program> app, Transcript steps)
    {
        App = app;
        Steps = steps;
        Io = app.Services.GetRequiredService<SocketIOServer>();
        Io.On("connection", socket =>
        {
            Sockets[socket.Id] = socket;
            // Added right after Program's handler, before its timer's first tick: every news is counted.
            socket.OnAnyOutgoing((eventName, _) =>
            {
                if (eventName == "news") _newsSent.AddOrUpdate(socket.Id, 1, (_, sent) => sent + 1);
            });
        });
        // The transport story, from the Engine.IO layer's events (its log writes session ids only at Debug).
        Io.Engine.Connection += session =>
        {
            Transports.Add($"opened over {session.Transport}");
            session.Upgraded += _ => Transports.Add("upgraded to websocket");
            session.Closed += (_, reason, _) => Transports.Add($"closed: {reason.ToNodeString()}");
        };
    }

    public RunningApp<sio::Program> App { get; }

    public Uri BaseAddress => App.BaseAddress;

    /// <summary>Every log line, the library's included.</summary>
    public Transcript Log => App.Log;

    /// <summary>The lines Program.cs writes itself.</summary>
    public Transcript Steps { get; }

    public SocketIOServer Io { get; }

    /// <summary>Each Engine.IO session's story: "opened over polling", "upgraded to websocket", "closed: transport close".</summary>
    public Transcript Transports { get; } = new();

    public ConcurrentDictionary<string, SocketIOSocket> Sockets { get; } = new();

    private readonly ConcurrentDictionary<string, int> _newsSent = new();

    /// <summary>How many news the server has sent to socket <paramref name="id"/> so far.</summary>
    public int NewsSentTo(string id) => _newsSent.GetValueOrDefault(id);

    /// <param name="intervalMs">News:IntervalMs (the post: 3000).</param>
    /// <param name="urls">A fixed address (e.g. to restart on the same port); by default a free port.</param>
    public static async Task<SocketIONewsServer> StartAsync(int intervalMs, string? urls = null)
    {
        var settings = new Dictionary<string, string?> { ["News:IntervalMs"] = intervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (urls is not null) settings["urls"] = urls;
        var steps = new Transcript();
        var app = await RunningApp<sio::Program>.StartAsync(settings, configure: web => web.ConfigureLogging(logging =>
            logging.AddProvider(new TranscriptLoggerProvider(steps, category => category == "SocketIOBasic.Server"))));
        return new SocketIONewsServer(app, steps);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
