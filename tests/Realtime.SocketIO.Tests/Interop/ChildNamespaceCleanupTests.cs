using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// <c>CleanupEmptyChildNamespaces</c> (Node's <c>cleanupEmptyChildNamespaces</c>): a namespace created by a dynamic
/// pattern goes when its last socket leaves, so names clients come and go with leave nothing behind.
/// </summary>
public sealed class ChildNamespaceCleanupTests
{
    private const int Names = 20;

    [Theory]
    [InlineData(true, "websocket")]
    [InlineData(true, "polling")]
    [InlineData(false, "websocket")]
    public async Task Dynamic_child_namespaces_left_by_the_official_client_are_removed_only_with_the_option(bool cleanup, string transport)
    {
        var server = new Transcript();
        SocketIOParentNamespace parent = null!;
        var namespacesOfRoom0 = new List<SocketIONamespace>();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            parent = io.Of(new System.Text.RegularExpressions.Regex(@"^/room-\d+$"));
            parent.Use(socket => { server.Add($"middleware {socket.Nsp.Name}"); return Task.CompletedTask; });
            parent.On("connection", socket =>
            {
                server.Add($"connection {socket.Nsp.Name}");
                if (socket.Nsp.Name == "/room-0") lock (namespacesOfRoom0) namespacesOfRoom0.Add(socket.Nsp);
                socket.On("where", () => socket.Nsp.Name);
                socket.On("disconnect", (string reason) => server.Add($"disconnect {socket.Nsp.Name}"));
            });
        }, o => o.CleanupEmptyChildNamespaces = cleanup);

        var lines = await NodeScript.RunAsync("sio-dynamic-cleanup.mjs", [host.BaseAddress.ToString(), transport, Names.ToString()]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);
        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.Equal(Enumerable.Range(0, Names).Select(i => $"/room-{i}"), seen["visited"].GetProperty("welcomes").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("/room-0", seen["again"].GetProperty("welcome").GetString());
        await server.WaitForText("disconnect /", count: Names + 1);

        // Each visit ran the pattern's middleware and connection handlers, the second visit of /room-0 too.
        Assert.Equal(2, server.Count(l => l == "middleware /room-0"));
        Assert.Equal(2, server.Count(l => l == "connection /room-0"));
        if (cleanup)
        {
            // Nothing left: no child, no namespace but the main one; /room-0 was created anew for its second visit.
            Assert.Empty(parent.Children);
            Assert.Equal(["/"], host.IO.Namespaces.Select(n => n.Name));
            Assert.NotSame(namespacesOfRoom0[0], namespacesOfRoom0[1]);
        }
        else
        {
            // Node's default: every child stays, and /room-0 is the same object both times.
            Assert.Equal(Names, parent.Children.Count);
            Assert.Equal(Names + 1, host.IO.Namespaces.Count);
            Assert.Same(namespacesOfRoom0[0], namespacesOfRoom0[1]);
        }
    }

    [Fact]
    public async Task A_child_stays_while_one_of_its_sockets_is_connected_and_a_refused_join_leaves_nothing()
    {
        var server = new Transcript();
        SocketIOParentNamespace parent = null!;
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            parent = io.Of((name, auth) => name.StartsWith("/team-", StringComparison.Ordinal));
            parent.Use(socket => socket.Handshake.Auth.TryGetProperty("token", out _)
                ? Task.CompletedTask
                : throw new SocketIOConnectException("not authorized"));
            parent.On("connection", socket => socket.On("disconnect", (string reason) => server.Add($"disconnect {socket.Nsp.Name}")));
        }, o => o.CleanupEmptyChildNamespaces = true);

        var (first, _) = await WsWire.ConnectAsync(host.BaseAddress);
        var (second, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using var __ = first;
        await using var ___ = second;
        await first.SendAsync("""40/team-a,{"token":"1"}""");
        Assert.StartsWith("40/team-a,", await first.ReceiveTextAsync());
        await second.SendAsync("""40/team-a,{"token":"2"}""");
        Assert.StartsWith("40/team-a,", await second.ReceiveTextAsync());
        var teamA = Assert.Single(parent.Children);

        // One leaves: the other is still there, so is the namespace.
        await first.SendAsync("41/team-a,");
        await server.WaitForText("disconnect /team-a");
        Assert.Same(teamA, Assert.Single(parent.Children));
        // The last leaves: gone.
        await second.SendAsync("41/team-a,");
        await server.WaitForText("disconnect /team-a", count: 2);
        Assert.Empty(parent.Children);

        // A refused CONNECT created the child for its middleware; the refusal removes it again.
        await first.SendAsync("40/team-b,");
        Assert.Equal("""44/team-b,{"message":"not authorized"}""", await first.ReceiveTextAsync());
        Assert.Empty(parent.Children);
        Assert.Equal(["/"], host.IO.Namespaces.Select(n => n.Name));
    }
}
