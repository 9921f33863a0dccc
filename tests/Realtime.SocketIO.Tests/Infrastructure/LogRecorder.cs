using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO.Tests.Infrastructure;

/// <summary>One log line as the server wrote it: its level, event, and formatted message.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Category, string Message);

/// <summary>
/// Keeps every line of the Realtime.* categories at every level, Debug included (the transcript keeps Information
/// and above), so a test can check what a client's packets make the server log, and how much of it.
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>Adds the recorder to <paramref name="builder"/> and lets Realtime.* log at Debug.</summary>
    public void AddTo(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(this);
        builder.Logging.AddFilter("Realtime", LogLevel.Debug);
    }

    /// <summary>The lines of event <paramref name="eventName"/> (the LoggerMessage's EventName).</summary>
    public IReadOnlyList<LogEntry> Of(string eventName) => Entries.Where(e => e.EventId.Name == eventName).ToList();

    /// <summary>Waits (with a timeout) until <paramref name="count"/> lines of <paramref name="eventName"/> were written.</summary>
    public async Task WaitForAsync(string eventName, int count = 1)
    {
        using var cts = new CancellationTokenSource(Realtime.Testing.Wait.DefaultTimeout);
        while (Of(eventName).Count < count)
        {
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"Timed out waiting for {count} {eventName} log line(s); got {Of(eventName).Count}.");
            await _written.WaitAsync(TimeSpan.FromMilliseconds(100)).ContinueWith(_ => { });
        }
    }

    private readonly SemaphoreSlim _written = new(0);

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("Realtime.", StringComparison.Ordinal)
            ? new Recorder(this, categoryName)
            : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._entries.Enqueue(new LogEntry(logLevel, eventId, category, formatter(state, exception)));
            owner._written.Release();
        }
    }
}
