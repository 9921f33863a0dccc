using Realtime.Testing;

namespace Realtime.Testing.Tests;

public sealed class SnapshotTests : IDisposable
{
    // The rule tests work in a folder of their own, with acceptance passed in, so they behave the same when the
    // whole suite runs with ACCEPT_SNAPSHOTS=1 (and leave nothing beside the sources).
    private readonly string _folder = Directory.CreateTempSubdirectory("snapshot-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Matches_its_verified_file_after_scrubbing()
    {
        var scrubber = Scrubber.Default();
        scrubber.Id("GhQVxq3CDc1H8M9sAAAB", "sid");

        Snapshot.Match("< 0{\"sid\":\"GhQVxq3CDc1H8M9sAAAB\"}\n> 40 (to 127.0.0.1:52311)", scrubber);
    }

    [Fact]
    public void A_mismatch_writes_the_received_file_and_explains_with_a_diff()
    {
        // The verified file beside this test says "first line\nsecond line".
        var verified = Path.Combine(Path.GetDirectoryName(ThisFile())!, "SnapshotTests.A_mismatch_writes_the_received_file_and_explains_with_a_diff_mismatch.verified.txt");
        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Compare("first line\nsomething else", verified, accept: false));

        Assert.Contains("- second line", error.Message);
        Assert.Contains("+ something else", error.Message);
        Assert.Contains("ACCEPT_SNAPSHOTS=1", error.Message);
        var received = verified.Replace(".verified.txt", ".received.txt", StringComparison.Ordinal);
        Assert.Equal("first line\nsomething else\n", File.ReadAllText(received));
        File.Delete(received);
    }

    [Fact]
    public void A_deleted_verified_file_makes_its_test_fail_and_leaves_the_received_file()
    {
        var verified = Path.Combine(_folder, "Tests.Transcript.verified.txt");
        var received = Path.Combine(_folder, "Tests.Transcript.received.txt");
        File.WriteAllText(verified, "connected\nnews: Hello\n");
        Snapshot.Compare("connected\nnews: Hello", verified, accept: false);   // passes while the file is there

        File.Delete(verified);
        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Compare("connected\nnews: Hello", verified, accept: false));

        // Verify's first-run rule: nothing is accepted unread, on a developer machine as in CI.
        Assert.Contains("No verified snapshot Tests.Transcript.verified.txt", error.Message);
        Assert.False(File.Exists(verified));
        Assert.Equal("connected\nnews: Hello\n", File.ReadAllText(received));
    }

    [Fact]
    public void A_new_test_fails_until_its_snapshot_is_accepted_and_then_passes()
    {
        var verified = Path.Combine(_folder, "Tests.New.verified.txt");
        var received = Path.Combine(_folder, "Tests.New.received.txt");

        Assert.Throws<SnapshotMismatchException>(() => Snapshot.Compare("first run", verified, accept: false));
        Assert.Throws<SnapshotMismatchException>(() => Snapshot.Compare("first run", verified, accept: false));   // still
        Assert.True(File.Exists(received));

        // ACCEPT_SNAPSHOTS=1: the text becomes the verified file and the received file goes.
        Snapshot.Compare("first run", verified, accept: true);
        Assert.Equal("first run\n", File.ReadAllText(verified));
        Assert.False(File.Exists(received));
        Snapshot.Compare("first run", verified, accept: false);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
