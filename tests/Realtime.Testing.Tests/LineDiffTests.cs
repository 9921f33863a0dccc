using Realtime.Testing;

namespace Realtime.Testing.Tests;

public class LineDiffTests
{
    [Fact]
    public void Shows_removed_and_added_lines_with_context()
    {
        var diff = LineDiff.Format("a\nb\nc\nd\ne\nf", "a\nB\nc\nd\ne\nf\ng", context: 1);

        Assert.Equal("  a\n- b\n+ B\n  c\n  ...\n  f\n+ g\n", diff);
    }
}
