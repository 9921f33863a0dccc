using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// The official Node client (engine.io-client 6.6.8 from the repo's node_modules) against the conformance host:
/// node/eio-echo-client.mjs sends text and binary and prints what came back as JSON lines. Pings every 300 ms as in
/// the suites, so the client's pongs are exercised too.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class NodeInteropTests(TolerantHeartbeatConformanceFixture host) : IClassFixture<TolerantHeartbeatConformanceFixture>
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task The_official_engine_io_client_gets_its_text_and_binary_echoed(string mode)
    {
        var events = await RunClientAsync(mode);
        var all = string.Join("\n", events);

        var open = events[0];
        Assert.Equal("open", open.GetProperty("event").GetString());
        Assert.Equal(mode == "websocket" ? "websocket" : "polling", open.GetProperty("transport").GetString());
        Assert.Equal(20, open.GetProperty("sidLength").GetInt32());

        var echoes = events.Where(e => e.GetProperty("event").GetString() == "echo").ToList();
        Assert.True((mode == "upgrade" ? 4 : 2) == echoes.Count, "unexpected echoes:\n" + all);
        Assert.All(echoes, e => Assert.True(e.GetProperty("matches").GetBoolean(), e.ToString()));
        Assert.Contains(echoes, e => e.GetProperty("kind").GetString() == "binary" && e.GetProperty("hex").GetString() == "01020304ff");
        Assert.Contains(echoes, e => e.GetProperty("kind").GetString() == "text" && e.GetProperty("text").GetString()!.StartsWith("hello é 😀", StringComparison.Ordinal));
        var sentOver = events.Where(e => e.GetProperty("event").GetString() == "sent").Select(e => e.GetProperty("transport").GetString()).ToList();
        if (mode == "upgrade")
        {
            // The first batch goes out over polling on open, the second over the WebSocket after the upgrade event;
            // all four come back (the first two over whichever transport is current when the echo is sent).
            Assert.Contains(events, e => e.GetProperty("event").GetString() == "upgrade" && e.GetProperty("transport").GetString() == "websocket");
            Assert.Equal(["polling", "polling", "websocket", "websocket"], sentOver);
            Assert.Equal(["websocket", "websocket"], echoes.Skip(2).Select(e => e.GetProperty("transport").GetString()));
        }
        else
        {
            Assert.Equal([mode, mode], sentOver);
            Assert.All(echoes, e => Assert.Equal(mode, e.GetProperty("transport").GetString()));
        }
        Assert.Equal("close", events[^1].GetProperty("event").GetString());
        Assert.DoesNotContain(events, e => e.GetProperty("event").GetString() is "error" or "timeout");
    }

    private async Task<List<JsonElement>> RunClientAsync(string mode, [CallerFilePath] string sourceFile = "")
    {
        var script = Path.Combine(Path.GetDirectoryName(sourceFile)!, "node", "eio-echo-client.mjs");
        var start = new ProcessStartInfo("node", [script, host.BaseAddress.ToString(), mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot(),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Wait.For(process.WaitForExitAsync(), $"node eio-echo-client.mjs {mode}", TimeSpan.FromSeconds(30));
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}\n{output}\n{await stderr}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>The directory with node_modules/engine.io-client, found upwards from the test's output folder.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "node_modules", "engine.io-client"))) return dir.FullName;
        }
        throw new InvalidOperationException("node_modules/engine.io-client not found above " + AppContext.BaseDirectory + " (run npm install at the repo root)");
    }
}

