using System.Text;
using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO;

/// <summary>
/// What one client's packets may write to the server's log. Log lines that a client can cause at will (a refused
/// namespace, a packet that breaks the protocol, a handler that throws on its input) pass two checks:
/// <list type="bullet">
/// <item><see cref="Clip"/>: text the client chose (a namespace or event name, an error quoting its input) is cut
/// to <see cref="MaxTextLength"/> characters, control characters escaped, so a 1 MB namespace name costs 200
/// characters of log and a <c>"\n"</c> in an event name cannot forge a second line;</item>
/// <item><see cref="Allows"/>: at most <see cref="SocketIOServerOptions.ClientLogLinesPerMinute"/> such lines per
/// connection and minute; past it one line says the rest are dropped, until the minute is over.</item>
/// </list>
/// </summary>
internal sealed class ClientLog
{
    /// <summary>The most characters of client-chosen text one log argument keeps.</summary>
    public const int MaxTextLength = 200;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _session;
    private readonly int _linesPerWindow;
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart;
    private int _lines;
    private bool _suppressing;

    public ClientLog(ILogger logger, TimeProvider time, string session, int linesPerMinute)
    {
        _logger = logger;
        _time = time;
        _session = session;
        _linesPerWindow = linesPerMinute;
        _windowStart = time.GetUtcNow();
    }

    /// <summary>
    /// True if a line at <paramref name="level"/> should be written: the level is enabled (so a Debug line nobody
    /// reads costs nothing and takes nothing from the budget) and this connection's budget is not spent.
    /// </summary>
    public bool Allows(LogLevel level)
    {
        if (!_logger.IsEnabled(level)) return false;
        if (_linesPerWindow <= 0) return true; // 0: no limit
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _lines = 0;
                _suppressing = false;
            }
            if (_lines < _linesPerWindow)
            {
                _lines++;
                return true;
            }
            if (_suppressing) return false;
            _suppressing = true;
        }
        Log.ClientLogSuppressed(_logger, _session, _linesPerWindow);
        return false;
    }

    /// <summary>
    /// <paramref name="text"/> fit for a log line: at most <see cref="MaxTextLength"/> characters (then
    /// <c>…(N chars)</c>), control and line-separator characters written as <c>\uXXXX</c>. Returns the same string,
    /// without allocating, when there is nothing to change (the usual short name).
    /// </summary>
    public static string Clip(string? text)
    {
        if (text is null) return "";
        var keep = Math.Min(text.Length, MaxTextLength);
        if (keep < text.Length && char.IsHighSurrogate(text[keep - 1])) keep--; // never half an emoji
        var clean = keep == text.Length;
        for (var i = 0; clean && i < keep; i++) clean = !NeedsEscape(text[i]);
        if (clean) return text;

        var builder = new StringBuilder(keep + 24);
        for (var i = 0; i < keep; i++)
        {
            var c = text[i];
            if (NeedsEscape(c)) builder.Append("\\u").Append(((int)c).ToString("x4"));
            else builder.Append(c);
        }
        if (keep < text.Length) builder.Append("…(").Append(text.Length).Append(" chars)");
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
