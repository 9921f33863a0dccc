using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// Watches an <see cref="EngineIOServer"/> from the outside: which sessions closed and why (its events), and when a
/// long-poll is pending or a POST is being read or answered (its Trace log lines, which the probe receives as a logger
/// provider of the host), so tests wait on events instead of sleeping.
/// </summary>
public sealed class EngineProbe : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(string Reason, string? Description)>> _closed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pollWaiting = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _postReading = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _upgraded = new();
    private readonly ConcurrentDictionary<string, Action> _postAnswered = new();
    private EngineIOServer? _server;

    /// <summary>Adds the probe to a host's logging, with Engine.IO's Trace lines (and nothing else) reaching it.</summary>
    public void AddTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        logging.AddFilter<EngineProbe>("Realtime.EngineIO", LogLevel.Trace);
    }

    /// <summary>Watches the sessions of <paramref name="server"/> (the one the host's logging belongs to).</summary>
    public void Attach(EngineIOServer server)
    {
        _server = server;
        server.Connection += socket =>
        {
            socket.Closed += (s, reason, description) => ClosedSource(s.Id).TrySetResult((reason.ToNodeString(), description));
            socket.Upgraded += s => Source(_upgraded, s.Id).TrySetResult();
        };
    }

    /// <summary>A Trace line of the polling transport: release whoever waits for that moment of that session.</summary>
    private void OnTrace(string? eventName, string? sid)
    {
        if (sid is null) return;
        switch (eventName)
        {
            case "PollWaiting":
                if (_pollWaiting.TryRemove(sid, out var waiting)) waiting.TrySetResult();
                break;
            case "PostReading":
                if (_postReading.TryRemove(sid, out var reading)) reading.TrySetResult();
                break;
            case "PostAnswered":
                if (_postAnswered.TryRemove(sid, out var hold)) hold(); // on the request's thread: the request waits
                break;
        }
    }

    ILogger ILoggerProvider.CreateLogger(string categoryName) => new TraceListener(this);

    void IDisposable.Dispose() { }

    private sealed class TraceListener(EngineProbe probe) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Trace;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Trace || state is not IReadOnlyList<KeyValuePair<string, object?>> fields) return;
            probe.OnTrace(eventId.Name, fields.FirstOrDefault(f => f.Key == "Sid").Value as string);
        }
    }

    public EngineIOServer Server => _server ?? throw new InvalidOperationException("Attach the probe to the server first.");

    private TaskCompletionSource<(string, string?)> ClosedSource(string sid) =>
        _closed.GetOrAdd(sid, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource Source(ConcurrentDictionary<string, TaskCompletionSource> map, string sid) =>
        map.GetOrAdd(sid, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The reason the session closed (waits for the server's Closed event).</summary>
    public Task<(string Reason, string? Description)> ClosedAsync(string sid) =>
        Wait.For(ClosedSource(sid).Task, $"session {sid} to close");

    public Task UpgradedAsync(string sid) => Wait.For(Source(_upgraded, sid).Task, $"session {sid} to upgrade");

    /// <summary>Call before sending a GET: completes when the server holds that GET open.</summary>
    public Task NextPollWaiting(string sid) => Source(_pollWaiting, sid).Task;

    /// <summary>Call before sending a POST: completes when the server starts reading its body.</summary>
    public Task NextPostReading(string sid) => Source(_postReading, sid).Task;

    /// <summary>
    /// Call before sending a POST: once the server has written its "ok" (the client can read it), that request is
    /// held, not ended, until <paramref name="release"/> completes (its thread blocks, at most
    /// <see cref="Wait.DefaultTimeout"/>). The task returned completes when the request is held.
    /// </summary>
    public Task HoldNextPostAfterItsAnswer(string sid, Task release)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _postAnswered[sid] = () =>
        {
            held.TrySetResult();
            release.Wait(Wait.DefaultTimeout);
        };
        return held.Task;
    }
}
