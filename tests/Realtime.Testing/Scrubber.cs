using System.Text.RegularExpressions;

namespace Realtime.Testing;

/// <summary>
/// Turns values that change from run to run (session ids, ports, GUIDs, times, tokens) into stable placeholders
/// such as <c>{sid1}</c> or <c>{port}</c>, so a transcript can be compared with its snapshot and read as documentation.
/// The same value always gets the same placeholder; different values of one kind are numbered in order of first
/// appearance.
/// </summary>
public sealed partial class Scrubber
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, string Kind, bool Numbered)> _patterns = [];

    /// <summary>
    /// A scrubber with the usual patterns: GUIDs, ISO-8601 times, JWTs and loopback ports.
    /// Ids that look like arbitrary text (Engine.IO sids, socket ids) must be registered with <see cref="Id"/>.
    /// </summary>
    public static Scrubber Default() => new Scrubber()
        .AddPattern(GuidPattern(), "guid")
        .AddPattern(JwtPattern(), "jwt")
        .AddPattern(IsoTimePattern(), "time", numbered: false)
        .AddPattern(LoopbackPortPattern(), "port");

    /// <summary>Registers a known value (a sid, a socket id, a file name) and returns its placeholder, e.g. <c>{sid1}</c>.</summary>
    public string Id(string value, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        lock (_gate)
        {
            return PlaceholderFor(value, kind, numbered: true);
        }
    }

    /// <summary>Replaces every match of <paramref name="pattern"/>. With a capture group named <c>value</c>, only that part is replaced.</summary>
    public Scrubber AddPattern(Regex pattern, string kind, bool numbered = true)
    {
        lock (_gate)
        {
            _patterns.Add((pattern, kind, numbered));
        }
        return this;
    }

    /// <summary>Applies the registered values first, then the patterns.</summary>
    public string Scrub(string text)
    {
        lock (_gate)
        {
            // Longest values first, so a value that contains another is replaced whole.
            foreach (var (value, placeholder) in _known.OrderByDescending(k => k.Key.Length))
            {
                text = text.Replace(value, placeholder, StringComparison.Ordinal);
            }
            foreach (var (pattern, kind, numbered) in _patterns)
            {
                text = pattern.Replace(text, match =>
                {
                    var group = match.Groups["value"];
                    if (!group.Success)
                    {
                        return PlaceholderFor(match.Value, kind, numbered);
                    }
                    var placeholder = PlaceholderFor(group.Value, kind, numbered);
                    return string.Concat(
                        match.Value.AsSpan(0, group.Index - match.Index),
                        placeholder,
                        match.Value.AsSpan(group.Index - match.Index + group.Length));
                });
            }
            return text;
        }
    }

    private string PlaceholderFor(string value, string kind, bool numbered)
    {
        if (_known.TryGetValue(value, out var existing))
        {
            return existing;
        }
        string placeholder;
        if (!numbered)
        {
            placeholder = "{" + kind + "}";
        }
        else
        {
            var n = _counters.GetValueOrDefault(kind) + 1;
            _counters[kind] = n;
            // Ports read best unnumbered when there is only one: {port}, then {port2}, {port3}.
            placeholder = kind == "port"
                ? (n == 1 ? "{port}" : "{port" + n + "}")
                : "{" + kind + n + "}";
        }
        _known[value] = placeholder;
        return placeholder;
    }

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex JwtPattern();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex IsoTimePattern();

    [GeneratedRegex(@"(?:127\.0\.0\.1|localhost|\[::1\]):(?<value>\d{2,5})\b")]
    private static partial Regex LoopbackPortPattern();
}
