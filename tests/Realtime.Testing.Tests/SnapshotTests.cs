using Realtime.Testing;

namespace Realtime.Testing.Tests;

public class SnapshotTests
{
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
        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Match("first line\nsomething else", name: "mismatch"));

        Assert.Contains("- second line", error.Message);
        Assert.Contains("+ something else", error.Message);
        Assert.Contains("ACCEPT_SNAPSHOTS=1", error.Message);
        var received = Path.Combine(Path.GetDirectoryName(ThisFile())!, "SnapshotTests.A_mismatch_writes_the_received_file_and_explains_with_a_diff_mismatch.received.txt");
        Assert.True(File.Exists(received));
        File.Delete(received);
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
