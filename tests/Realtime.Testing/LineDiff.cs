using System.Text;

namespace Realtime.Testing;

/// <summary>A small line diff (longest common subsequence) for readable snapshot failures.</summary>
public static class LineDiff
{
    /// <summary>Lines only in <paramref name="expected"/> start with "- ", lines only in <paramref name="actual"/> with "+ ".</summary>
    public static string Format(string expected, string actual, int context = 3)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Tag, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x])); x++; y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', a[x])); x++;
            }
            else
            {
                lines.Add(('+', b[y])); y++;
            }
        }

        // Print the changed lines with a few lines of context around them.
        var keep = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Tag == ' ')
            {
                continue;
            }
            for (var k = Math.Max(0, i - context); k <= Math.Min(lines.Count - 1, i + context); k++)
            {
                keep[k] = true;
            }
        }
        var sb = new StringBuilder();
        var skipped = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (!keep[i])
            {
                skipped = true;
                continue;
            }
            if (skipped)
            {
                sb.Append("  ...\n");
                skipped = false;
            }
            sb.Append(lines[i].Tag).Append(' ').Append(lines[i].Text).Append('\n');
        }
        return sb.ToString();
    }
}
