using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>What a misbehaving client (or an unlucky race) must not do to the server: found in review.</summary>
public class RobustnessTests
{
    [Fact]
    public async Task A_null_room_from_a_client_is_refused_and_the_socket_still_leaves_cleanly()
    {
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: io => io.On("connection", socket =>
        {
            // The classic handler: join whatever room the client names.
            socket.On("join", (string? room) => { socket.Join(room!); return socket.Rooms.Count; });
            socket.On("disconnect", (string reason) => disconnected.TrySetResult(reason));
        }));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());

        await wire.SendAsync("""421["join",null]""");    // the handler throws ArgumentNullException: logged, no answer
        await server.Log.WaitForText("threw");
        await wire.SendAsync("""422["join","room1"]""");  // the socket still works
        Assert.Equal("432[2]", await wire.ReceiveTextAsync());

        await wire.DisposeAsync();
        Assert.Equal("transport close", await Wait.For(disconnected.Task, "the disconnect handler"));
        Assert.Empty(server.IO.Sockets.Sockets);
        Assert.Empty(await server.IO.In("room1").FetchSocketsAsync());
    }

    [Fact]
    public async Task An_ack_asked_of_a_socket_that_has_left_fails_at_once()
    {
        var left = new TaskCompletionSource<SocketIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestHost.StartConformanceAsync(configure: io => io.On("connection", socket =>
            socket.On("disconnect", (string _) => left.TrySetResult(socket))));
        var (wire, _) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await wire.DisposeAsync();
        var socket = await Wait.For(left.Task, "the socket to leave");

        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => socket.EmitWithAckAsync<string>("question", "q?"));
        Assert.Same(socket, socket.Join("late"));           // no effect once disconnected
        Assert.Empty(await server.IO.In("late").FetchSocketsAsync());
    }
}
