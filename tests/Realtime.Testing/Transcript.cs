using System.Text;

namespace Realtime.Testing;

/// <summary>
/// A thread-safe list of lines describing what happened, in the order it happened: log lines, events received,
/// frames on the wire. Its text, scrubbed, is what a snapshot stores. Waiting helpers let a test wait for a line
/// instead of sleeping.
/// </summary>
public sealed class Transcript
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Adds a line. Multi-line text is kept as several lines.</summary>
    public void Add(string line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _lines.AddRange(line.Replace("\r\n", "\n").Split('\n'));
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    /// <summary>Adds a section heading, rendered as <c>## title</c>.</summary>
    public void Section(string title) => Add("## " + title);

    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    /// <summary>How many lines satisfy <paramref name="predicate"/>.</summary>
    public int Count(Func<string, bool> predicate)
    {
        lock (_gate) { return _lines.Count(predicate); }
    }

    /// <summary>Waits until at least <paramref name="count"/> lines satisfy <paramref name="predicate"/>.</summary>
    public async Task WaitFor(Func<string, bool> predicate, int count = 1, TimeSpan? timeout = null, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_lines.Count(predicate) >= count)
                {
                    return;
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Timed out waiting for {count} line(s) {what ?? "matching the condition"}. The transcript so far:\n{this}");
            }
        }
    }

    /// <summary>Waits until a line contains <paramref name="text"/> (at least <paramref name="count"/> times).</summary>
    public Task WaitForText(string text, int count = 1, TimeSpan? timeout = null) =>
        WaitFor(l => l.Contains(text, StringComparison.Ordinal), count, timeout, $"containing \"{text}\"");

    public override string ToString()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            foreach (var line in _lines)
            {
                sb.Append(line).Append('\n');
            }
            return sb.ToString();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
