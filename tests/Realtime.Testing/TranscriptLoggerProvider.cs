using Microsoft.Extensions.Logging;

namespace Realtime.Testing;

/// <summary>
/// Sends an app's log lines into a <see cref="Transcript"/> as <c>[log] message</c>, so a test can wait for them and
/// snapshot them. Only categories that pass <paramref name="filter"/> are kept (by default: not Microsoft.*).
/// </summary>
public sealed class TranscriptLoggerProvider(Transcript transcript, Func<string, bool>? filter = null, string prefix = "[log] ")
    : ILoggerProvider
{
    private readonly Func<string, bool> _filter = filter ?? (category => !category.StartsWith("Microsoft.", StringComparison.Ordinal)
                                                                        && !category.StartsWith("System.", StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) =>
        _filter(categoryName) ? new TranscriptLogger(transcript, prefix) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class TranscriptLogger(Transcript transcript, string prefix) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var level = logLevel >= LogLevel.Error ? "error: " : logLevel == LogLevel.Warning ? "warn: " : "";
            transcript.Add(prefix + level + formatter(state, exception));
        }
    }
}
