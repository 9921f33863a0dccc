using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// <c>ConnectTimeout</c> counts only namespaces actually joined (Node's client.ts clears its timer in the join
/// callback): a CONNECT stuck in a middleware that never calls <c>next</c> does not keep the connection open. The
/// timeout runs on a clock that moves only when the test says, once the CONNECT has reached the middleware (a loaded
/// machine could otherwise let it expire before the CONNECT is even read).
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
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(release, server, clock);
        var (wire, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using var __ = wire;

        await wire.SendAsync("40/stuck,");
        await server.WaitForText("middleware entered");
        clock.Advance(TimeSpan.FromSeconds(1));
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
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(release, server, clock);

        var running = NodeScript.RunAsync("sio-stuck.mjs", [host.BaseAddress.ToString(), transport]);
        await server.WaitForText("middleware entered");
        clock.Advance(TimeSpan.FromSeconds(1));
        var lines = await running;
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.False(seen.ContainsKey("connect"), string.Join("\n", lines));
        Assert.Equal(transport, seen["open"].GetProperty("transport").GetString());
        Assert.Equal("transport close", seen["disconnect"].GetProperty("reason").GetString());
        Assert.False(seen["disconnect"].GetProperty("connected").GetBoolean());
        release.SetResult();
    }

    // ConnectTimeout 1 s, on the given clock (heartbeats too: none falls due while the test runs).
    private static Task<SocketIOTestHost> StartAsync(TaskCompletionSource release, Transcript server, FakeTimeProvider clock) =>
        SocketIOTestHost.StartWithDefaultsAsync(io => StuckNamespace(io, release, server),
            o => o.ConnectTimeout = TimeSpan.FromSeconds(1),
            host: builder => builder.Services.AddSingleton<TimeProvider>(clock));
}
