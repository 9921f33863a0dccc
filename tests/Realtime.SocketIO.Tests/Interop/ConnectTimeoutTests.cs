using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// <c>ConnectTimeout</c> counts only namespaces actually joined (Node's client.ts clears its timer in the join
/// callback): a CONNECT stuck in a middleware that never calls <c>next</c> does not keep the connection open.
/// </summary>
public sealed class ConnectTimeoutTests
{
    // A namespace whose middleware waits until the test lets it go (it never calls next by itself).
    private static void StuckNamespace(SocketIOServer io, TaskCompletionSource release, Transcript server) =>
        io.Of("/stuck").Use(async (socket, next) =>
        {
            server.Add("middleware entered");
            await release.Task;
            server.Add("middleware released");
            await next();
        });

    [Fact]
    public async Task A_connect_stuck_in_a_middleware_is_closed_after_the_connect_timeout_on_the_raw_wire()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => StuckNamespace(io, release, server),
            o => o.ConnectTimeout = TimeSpan.FromSeconds(1));
        var (wire, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using var __ = wire;

        await wire.SendAsync("40/stuck,");
        await server.WaitForText("middleware entered");
        // No CONNECT answer, no CONNECT_ERROR: the connection just closes (as Node's client.close()).
        var frames = await wire.WaitClosedAsync(TimeSpan.FromSeconds(15));
        Assert.Empty(frames);

        // The middleware finishing late joins nothing: the connection is gone.
        release.SetResult();
        await server.WaitForText("middleware released");
        Assert.Empty(host.IO.Of("/stuck").Sockets);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task The_official_client_stuck_in_a_middleware_is_disconnected_after_the_connect_timeout(string transport)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => StuckNamespace(io, release, server),
            o => o.ConnectTimeout = TimeSpan.FromSeconds(1));

        var lines = await NodeScript.RunAsync("sio-stuck.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.False(seen.ContainsKey("connect"), string.Join("\n", lines));
        Assert.Equal(transport, seen["open"].GetProperty("transport").GetString());
        Assert.Equal("transport close", seen["disconnect"].GetProperty("reason").GetString());
        Assert.False(seen["disconnect"].GetProperty("connected").GetBoolean());
        Assert.Contains("middleware entered", server.Lines);
        release.SetResult();
    }
}
