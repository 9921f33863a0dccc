using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace SocketIOBasic.SignalR;

/// <summary>
/// One timer per connection, kept here because hubs are transient: SignalR creates a new <see cref="NewsHub"/> for
/// every call, so a hub cannot hold <c>socket.interval</c> the way the post's socket object does. This singleton plays
/// that part, keyed by connection id, and sends through <see cref="IHubContext{THub}"/>, which works outside hub calls.
/// </summary>
public sealed class NewsTimers(IHubContext<NewsHub> hub, IOptionsMonitor<NewsOptions> options, ILogger<NewsTimers> logger)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Stop, Task Loop)> _timers = new();

    /// <summary>How many connections have a running timer.</summary>
    public int Count => _timers.Count;

    /// <summary><c>socket.interval = setInterval(() => socket.emit("news", ...), 3000)</c>.</summary>
    public void Start(string connectionId)
    {
        var stop = new CancellationTokenSource();
        if (!_timers.TryAdd(connectionId, (stop, SendNewsAsync(connectionId, stop.Token))))
        {
            stop.Cancel();
        }
    }

    /// <summary><c>clearInterval(socket.interval)</c>; when it returns, nothing more is sent to that connection.</summary>
    public async Task StopAsync(string connectionId)
    {
        if (_timers.TryRemove(connectionId, out var timer))
        {
            await timer.Stop.CancelAsync();
            await timer.Loop;
            timer.Stop.Dispose();
        }
    }

    private async Task SendNewsAsync(string connectionId, CancellationToken stopping)
    {
        // A PeriodicTimer awaits its ticks: no thread waits between them.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.CurrentValue.IntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                // socket.emit("news", "Hello ...") to this one client.
                await hub.Clients.Client(connectionId).SendAsync("news", options.CurrentValue.Message, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "news를 보내지 못했습니다. ({ConnectionId})", connectionId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connectionId in _timers.Keys)
        {
            await StopAsync(connectionId);
        }
    }
}
