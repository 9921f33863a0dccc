using System.Runtime.CompilerServices;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// Snapshot testing in the conventions of Verify (which cannot be restored here): the expected text lives in
/// <c>&lt;Class&gt;.&lt;Method&gt;.verified.txt</c> beside the test file; on a mismatch the actual text is written to
/// <c>.received.txt</c> and the failure message carries a line diff.
/// <list type="bullet">
/// <item><c>ACCEPT_SNAPSHOTS=1</c> accepts: the received text becomes the verified file.</item>
/// <item>A missing verified file is created from the received text on a developer machine, and fails when <c>CI</c> is set.</item>
/// </list>
/// </summary>
public static class Snapshot
{
    /// <summary>Compares <paramref name="actual"/>, scrubbed, with the verified file of the calling test.</summary>
    /// <param name="name">Optional suffix for several snapshots in one test: <c>Class.Method_name.verified.txt</c>.</param>
    public static void Match(
        string actual,
        Scrubber? scrubber = null,
        string? name = null,
        [CallerFilePath] string sourceFile = "",
        [CallerMemberName] string method = "")
    {
        var text = Normalize((scrubber ?? Scrubber.Default()).Scrub(actual));
        var directory = Path.GetDirectoryName(sourceFile)
            ?? throw new InvalidOperationException("The caller's source path is unknown; cannot place the snapshot.");
        var stem = $"{Path.GetFileNameWithoutExtension(sourceFile)}.{method}{(name is null ? "" : "_" + name)}";
        var verifiedPath = Path.Combine(directory, stem + ".verified.txt");
        var receivedPath = Path.Combine(directory, stem + ".received.txt");

        if (IsSet("ACCEPT_SNAPSHOTS"))
        {
            File.WriteAllText(verifiedPath, text, Utf8NoBom);
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(verifiedPath))
        {
            if (IsSet("CI"))
            {
                File.WriteAllText(receivedPath, text, Utf8NoBom);
                throw new SnapshotMismatchException(
                    $"No verified snapshot {Path.GetFileName(verifiedPath)} (CI is set, so it is not created). " +
                    $"Run the test locally, read {Path.GetFileName(receivedPath)}, and commit it as the verified file.\n\n{text}");
            }
            File.WriteAllText(verifiedPath, text, Utf8NoBom);
            File.Delete(receivedPath);
            return;
        }

        var expected = Normalize(File.ReadAllText(verifiedPath));
        if (expected == text)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, text, Utf8NoBom);
        throw new SnapshotMismatchException(
            $"Snapshot {Path.GetFileName(verifiedPath)} does not match. Received text written to {Path.GetFileName(receivedPath)}; " +
            "if the change is intended, rerun with ACCEPT_SNAPSHOTS=1.\n" +
            "(- verified, + received)\n" + LineDiff.Format(expected, text));
    }

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    private static bool IsSet(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return !string.IsNullOrEmpty(value) && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Thrown when a transcript differs from its verified snapshot.</summary>
public sealed class SnapshotMismatchException(string message) : Exception(message);
