using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>The reason the "disconnect" handler receives, for each way a socket can go (Node's strings).</summary>
public class DisconnectReasonTests
{
    private static async Task<(SocketIOTestHost Server, Task<string> Disconnecting, Task<string> Disconnected)> StartAsync(Action<SocketIOSocket>? onConnection = null)
    {
        var disconnecting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await SocketIOTestHost.StartConformanceAsync(configure: io => io.On("connection", socket =>
        {
            socket.On("disconnecting", (string reason) =>
            {
                // Still connected and still in its rooms here.
                disconnecting.TrySetResult($"{reason} connected={socket.Connected} rooms={socket.Rooms.Count}");
            });
            socket.On("disconnect", (string reason) => disconnected.TrySetResult($"{reason} connected={socket.Connected} rooms={socket.Rooms.Count}"));
            onConnection?.Invoke(socket);
        }));
        return (server, disconnecting.Task, disconnected.Task);
    }

    [Fact]
    public async Task Client_namespace_disconnect()
    {
        var (server, disconnecting, disconnected) = await StartAsync();
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("41");
        Assert.Equal("client namespace disconnect connected=True rooms=1", await Wait.For(disconnecting, "disconnecting"));
        Assert.Equal("client namespace disconnect connected=False rooms=0", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Server_namespace_disconnect()
    {
        var (server, _, disconnected) = await StartAsync(socket => socket.On("leave", () => socket.Disconnect()));
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("""42["leave"]""");
        Assert.Equal("server namespace disconnect connected=False rooms=0", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Transport_close()
    {
        var (server, _, disconnected) = await StartAsync();
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await wire.DisposeAsync();
        Assert.StartsWith("transport close", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Ping_timeout()
    {
        var (server, _, disconnected) = await StartAsync();
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        wire.AnswerPings = false;
        Assert.StartsWith("ping timeout", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Forced_close_after_a_parse_error()
    {
        var (server, _, disconnected) = await StartAsync();
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("42{}");
        Assert.StartsWith("forced close", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Forced_server_close_after_a_protocol_violation()
    {
        var (server, _, disconnected) = await StartAsync();
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40");
        Assert.StartsWith("forced server close", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Server_shutting_down()
    {
        var (server, _, disconnected) = await StartAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await server.DisposeAsync();
        Assert.StartsWith("server shutting down", await Wait.For(disconnected, "disconnect"));
    }

    [Fact]
    public async Task Disconnect_with_close_disconnects_every_namespace_of_the_client()
    {
        var reasons = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            void Track(SocketIOSocket socket) => socket.On("disconnect", (string reason) =>
            {
                reasons.Enqueue($"{socket.Nsp.Name} {reason}");
                if (reasons.Count == 2) both.TrySetResult();
            });
            io.On("connection", socket => { Track(socket); socket.On("quit", () => socket.Disconnect(close: true)); });
            io.Of("/custom").On("connection", Track);
        });
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        await wire.SendAsync("40/custom,");
        Assert.StartsWith("40/custom,", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42["quit"]""");
        await Wait.For(both.Task, "both disconnects");
        Assert.Equal(["/ server namespace disconnect", "/custom server namespace disconnect"], reasons.Order());
        var frames = await wire.WaitClosedAsync();
        Assert.Equal(["41", "41/custom,"], frames.Select(f => f.Text!).Order());
    }

    [Fact]
    public async Task ConnectionAborted_stops_the_work_a_handler_started_when_its_client_goes()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (server, _, disconnected) = await StartAsync(socket => socket.On("search", async () =>
        {
            try
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, socket.ConnectionAborted);   // a query that would never end
            }
            catch (OperationCanceledException)
            {
                stopped.SetResult($"stopped connected={socket.Connected}");
            }
        }));
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await wire.SendAsync("""42["search"]""");
        await Wait.For(started.Task, "the handler started");
        await wire.DisposeAsync();
        Assert.StartsWith("transport close", await Wait.For(disconnected, "disconnect"));
        Assert.Equal("stopped connected=False", await Wait.For(stopped.Task, "the handler's work stopped"));
    }

    [Fact]
    public async Task ConnectionAborted_read_after_the_disconnection_is_already_cancelled()
    {
        var socketTask = new TaskCompletionSource<SocketIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (server, _, disconnected) = await StartAsync(socketTask.SetResult);
        await using var _ = server;
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var __ = wire;
        var socket = await Wait.For(socketTask.Task, "connection");
        await wire.SendAsync("41");
        await Wait.For(disconnected, "disconnect");
        Assert.True(socket.ConnectionAborted.IsCancellationRequested);
    }
}
