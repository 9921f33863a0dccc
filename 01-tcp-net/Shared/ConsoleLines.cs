using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace TcpNet;

/// <summary>
/// Console helpers shared by TcpNet.Server and TcpNet.Client (linked into both projects).
/// </summary>
internal static class ConsoleLines
{
    /// <summary>
    /// A logger factory that prints each log message as one plain line, exactly the text the post's
    /// <c>console.log</c> printed (no level, no category), so the C# run reads like the book.
    /// </summary>
    public static ILoggerFactory CreateLoggerFactory() =>
        LoggerFactory.Create(logging => logging.AddProvider(new PlainConsoleLoggerProvider()));

    /// <summary>A token cancelled by Ctrl+C (SIGINT) or SIGTERM, so the program can stop cleanly.</summary>
    public static CancellationTokenSource StopOnCtrlC()
    {
        var stop = new CancellationTokenSource();
        // Kept alive by the static list: a PosixSignalRegistration stops working once it is collected.
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return stop;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop ourselves, gracefully
            stop.Cancel();
        }
    }

    private static readonly List<PosixSignalRegistration> Registrations = [];

    private sealed class PlainConsoleLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new PlainConsoleLogger();

        public void Dispose()
        {
        }
    }

    private sealed class PlainConsoleLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Out.WriteLine(formatter(state, exception)); // Console.Out is thread-safe
            }
        }
    }
}
