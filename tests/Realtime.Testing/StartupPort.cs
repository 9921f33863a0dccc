using System.Text.RegularExpressions;

namespace Realtime.Testing;

/// <summary>Scrubbing for the posts' start-up log line.</summary>
public static partial class StartupPort
{
    /// <summary>The start-up line "8005 번 포트에서 대기 중" shows a bare port: scrub it as <c>{port}</c> too.</summary>
    public static Scrubber WithStartupPort(this Scrubber scrubber) => scrubber.AddPattern(PortLine(), "port");

    [GeneratedRegex(@"^\[log\] (?<value>\d{2,5}) 번 포트", RegexOptions.Multiline)]
    private static partial Regex PortLine();
}
