using System.Collections.Concurrent;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// Watches an <see cref="EngineIOServer"/> from the test side: which sessions closed and why, and (through internal
/// hooks) when a long-poll is pending or a POST is being read, so tests wait on events instead of sleeping.
/// </summary>
public sealed class EngineProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(string Reason, string? Description)>> _closed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pollWaiting = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _postReading = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _upgraded = new();
    private readonly ConcurrentDictionary<string, Action> _postAnswered = new();

    public EngineProbe(EngineIOServer server)
    {
        Server = server;
        server.Connection += socket =>
        {
            socket.Closed += (s, reason, description) => ClosedSource(s.Id).TrySetResult((reason.ToNodeString(), description));
            socket.Upgraded += s => Source(_upgraded, s.Id).TrySetResult();
        };
        server.PollWaiting = socket => { if (_pollWaiting.TryRemove(socket.Id, out var tcs)) tcs.TrySetResult(); };
        server.PostReading = socket => { if (_postReading.TryRemove(socket.Id, out var tcs)) tcs.TrySetResult(); };
        server.PostAnswered = socket => { if (_postAnswered.TryRemove(socket.Id, out var hold)) hold(); };
    }

    public EngineIOServer Server { get; }

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
