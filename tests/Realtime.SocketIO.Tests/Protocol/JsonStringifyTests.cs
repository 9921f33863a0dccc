using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO.Tests.Protocol;

/// <summary>The JSON on the wire is byte-identical to Node's <c>JSON.stringify</c>: checked against a real Node.</summary>
public class JsonStringifyTests
{
    private static readonly string[] TrickyStrings =
    [
        "plain", "", "quote \" backslash \\ slash /",
        "\b\f\n\r\t", "\u0000\u0001\u0007\u000b\u000e\u001f", "\u007f\u0080\u009f",
        "<script>alert('x')</script> & + =", "é한글 中文 ελληνικά", "😀 emoji 🎉 and 𝄞",
        "\u2028\u2029 line separators", "\ufeff bom \ufffd", "tab\tin the middle", "새로운 클라이언트가 접속했습니다.",
    ];

    private static readonly double[] TrickyNumbers =
    [
        0, -0.0, 1, -1, 0.1, 0.5, 1.5, 100, 1e20, 1e21, 1.5e21, 1e-6, 1e-7, 1.234e-7, 123456789012345680000.0,
        9007199254740991, 9007199254740993, double.MaxValue, double.Epsilon, 5e-324, 1.7976931348623157e308, 3.14159, -2.5e-10, 2.0 / 3,
    ];

    [Fact]
    public void Strings_are_escaped_exactly_as_json_stringify_escapes_them()
    {
        var ours = TrickyStrings.Select(s => JsonSerializer.Serialize(s, SocketIOJson.Options)).ToArray();
        // Node gets each string as UTF-16 code units, so nothing of ours is involved in building its input.
        var input = string.Join("\n", TrickyStrings.Select(s => string.Join(",", s.Select(c => (int)c))));
        var node = RunNode("""
            const lines = require('fs').readFileSync(0, 'utf8').split('\n');
            for (const line of lines) console.log(JSON.stringify(String.fromCharCode(...(line ? line.split(',').map(Number) : []))));
            """, input);
        Assert.Equal(node, ours);
    }

    [Fact]
    public void Numbers_are_written_as_javascript_writes_them()
    {
        var ours = TrickyNumbers.Select(d => JsonSerializer.Serialize(d, SocketIOJson.Options)).ToArray();
        var input = string.Join("\n", TrickyNumbers.Select(d => d.ToString("R", CultureInfo.InvariantCulture)));
        var node = RunNode("""
            const lines = require('fs').readFileSync(0, 'utf8').split('\n');
            for (const line of lines) console.log(JSON.stringify(Number(line)));
            """, input);
        Assert.Equal(node, ours);
    }

    [Fact]
    public void Objects_keep_key_order_and_are_compact()
    {
        var value = new { Name = "<b>", Count = 2, Tags = new[] { "a", "b" }, Nested = new { Z = 1, A = (string?)null } };
        var ours = JsonSerializer.Serialize(value, SocketIOJson.Options);
        var node = RunNode("console.log(JSON.stringify({name:'<b>',count:2,tags:['a','b'],nested:{z:1,a:null}}))", "");
        Assert.Equal(node[0], ours);
    }

    [Fact]
    public void Not_a_number_and_infinity_become_null_as_in_javascript()
    {
        Assert.Equal("[null,null,null]", JsonSerializer.Serialize(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, SocketIOJson.Options));
    }

    private static string[] RunNode(string script, string stdin)
    {
        var start = new ProcessStartInfo("node", ["-e", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "node did not finish");
        Assert.True(process.ExitCode == 0, error);
        return output.Split('\n')[..^1];
    }
}
