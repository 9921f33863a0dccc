using System.Runtime.CompilerServices;
using System.Text;

[assembly: InternalsVisibleTo("Realtime.Testing.Tests")]

namespace Realtime.Testing;

/// <summary>
/// Snapshot testing in the conventions of Verify (whose core package cannot be restored here): the expected text lives in
/// <c>&lt;Class&gt;.&lt;Method&gt;.verified.txt</c> beside the test file; on a mismatch the actual text is written to
/// <c>.received.txt</c> and the failure message carries a line diff.
/// <list type="bullet">
/// <item><c>ACCEPT_SNAPSHOTS=1</c> accepts: the received text becomes the verified file.</item>
/// <item>A missing verified file fails the test (locally as in CI) and writes the received file: nothing is accepted
/// without being read (Verify's first-run rule).</item>
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
        var text = (scrubber ?? Scrubber.Default()).Scrub(actual);
        var directory = Path.GetDirectoryName(sourceFile)
            ?? throw new InvalidOperationException("The caller's source path is unknown; cannot place the snapshot.");
        var stem = $"{Path.GetFileNameWithoutExtension(sourceFile)}.{method}{(name is null ? "" : "_" + name)}";
        var verifiedPath = Path.Combine(directory, stem + ".verified.txt");

        Compare(text, verifiedPath, accept: IsSet("ACCEPT_SNAPSHOTS"));
    }

    /// <summary>The rules, apart from where the files are and how acceptance is asked for (tested on their own).</summary>
    internal static void Compare(string text, string verifiedPath, bool accept)
    {
        text = Normalize(text);
        var receivedPath = verifiedPath[..^".verified.txt".Length] + ".received.txt";
        if (accept)
        {
            File.WriteAllText(verifiedPath, text, Utf8NoBom);
            File.Delete(receivedPath);
            return;
        }

        // Verify's first-run rule, on every machine: a new test has no verified file yet, so it fails and leaves its
        // text in the received file. Read it; if it is what the test should record, accept it (rename the file, or
        // rerun with ACCEPT_SNAPSHOTS=1) and commit it. A deleted verified file fails the same way.
        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, text, Utf8NoBom);
            throw new SnapshotMismatchException(
                $"No verified snapshot {Path.GetFileName(verifiedPath)}. Received text written to {Path.GetFileName(receivedPath)}; " +
                "read it, and if it is right, rename it to .verified.txt (or rerun with ACCEPT_SNAPSHOTS=1) and commit it.\n\n" + text);
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
