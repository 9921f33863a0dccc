extern alias signalr;

using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.SignalR.WebSockets;
using Realtime.Testing;

namespace SocketIOBasic.Tests;

/// <summary>
/// The connection factory under HubConnection (src/Realtime.SignalR.WebSockets): it connects without negotiation,
/// carries invocations both ways, and reports a close from either side.
/// </summary>
public sealed class SignalRConnectionFactoryTests
{
    [Fact]
    public async Task Connects_invokes_and_raises_Closed_when_the_server_goes_away()
    {
        var app = await RunningApp<signalr::Program>.StartAsync();
        await using var connection = new HubConnectionBuilder()
            .WithWebSocketUrl(new Uri(app.BaseAddress, "/news"))
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };

        await connection.StartAsync();
        Assert.Equal(HubConnectionState.Connected, connection.State);
        Assert.Null(connection.ConnectionId);   // as with the official client when negotiation is skipped
        Assert.Equal("서버의 답: \"ping\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "ping"));

        // The server shuts down: it closes every WebSocket; the hub connection notices and says so.
        await app.DisposeAsync();
        await Wait.For(closed.Task, "the Closed event");
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task StopAsync_closes_the_websocket_and_the_server_sees_a_clean_disconnect()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var connection = new HubConnectionBuilder()
            .WithWebSocketUrl(new Uri(app.BaseAddress, "/news"))
            .Build();
        await connection.StartAsync();
        await app.Log.WaitForText("새로운 클라이언트가 접속했습니다.");

        await connection.StopAsync();
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        await app.Log.WaitForText("클라이언트가 접속을 해제했습니다.");
        Assert.DoesNotContain(app.Log.Lines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));

        // The same HubConnection starts again: the factory opens a new WebSocket each time.
        await connection.StartAsync();
        await app.Log.WaitForText("새로운 클라이언트가 접속했습니다.", count: 2);
        Assert.Equal("서버의 답: \"again\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "again"));
    }

    [Fact]
    public async Task WithAutomaticReconnect_opens_a_new_websocket_when_the_server_comes_back()
    {
        var first = await RunningApp<signalr::Program>.StartAsync();
        var address = first.BaseAddress;
        // Every connection attempt calls this (so it also counts them). While the first server shuts down it still
        // accepts connections for a moment, and a client that got in would hold up its shutdown until the host's
        // timeout (30 s): the gate keeps retries away only while the test stops that server.
        var attempts = 0;
        var gateOpen = true;
        await using var connection = new HubConnectionBuilder()
            .WithWebSocketUrl(new Uri(address, "/news"), _ =>
            {
                Interlocked.Increment(ref attempts);
                if (!Volatile.Read(ref gateOpen)) throw new WebSocketException("The test keeps retries away while the server stops.");
            })
            .WithAutomaticReconnect(new RetryQuickly())
            .Build();
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += _ => { reconnecting.TrySetResult(); return Task.CompletedTask; };
        connection.Reconnected += _ => { reconnected.TrySetResult(); return Task.CompletedTask; };
        await connection.StartAsync();

        // Stop the server: the client notices and starts retrying (the official client would do the same).
        Volatile.Write(ref gateOpen, false);
        await first.DisposeAsync();
        await Wait.For(reconnecting.Task, "the Reconnecting event");
        Assert.Equal(HubConnectionState.Reconnecting, connection.State);
        Volatile.Write(ref gateOpen, true);   // from now on, retries meet a closed port until the server is back

        // Start it again on the same address: a retry succeeds through a fresh WebSocket from the factory.
        await using var second = await RunningApp<signalr::Program>.StartAsync(new Dictionary<string, string?> { ["urls"] = address.ToString() });
        await Wait.For(reconnected.Task, "the Reconnected event");
        await second.Log.WaitForText("새로운 클라이언트가 접속했습니다.");
        Assert.Equal("서버의 답: \"back?\" 잘 받았습니다.", await connection.InvokeAsync<string>("Ask", "back?"));
        Assert.True(attempts >= 2, $"the factory was called {attempts} time(s)");
    }

    [Fact]
    public async Task A_wrong_url_fails_StartAsync_with_a_clear_error()
    {
        await using var app = await RunningApp<signalr::Program>.StartAsync();
        await using var connection = new HubConnectionBuilder()
            .WithWebSocketUrl(new Uri(app.BaseAddress, "/no-such-hub"))
            .Build();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => connection.StartAsync());
        Assert.Contains("404", error.Message);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Theory]
    [InlineData("http://localhost:8006/news", "ws://localhost:8006/news")]
    [InlineData("https://example.org/news", "wss://example.org/news")]
    [InlineData("ws://127.0.0.1:5000/chat?x=1", "ws://127.0.0.1:5000/chat?x=1")]
    public void The_page_address_becomes_a_websocket_address(string url, string expected) =>
        Assert.Equal(new Uri(expected), WebSocketConnectionFactory.ToWebSocketUrl(new Uri(url)));

    [Fact]
    public void Other_schemes_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => WebSocketConnectionFactory.ToWebSocketUrl(new Uri("ftp://example.org/hub")));
        Assert.Contains("ws, wss, http or https", error.Message);
    }

    /// <summary>Retry every 50 ms for up to 15 s (the default policy waits 0, 2, 10, 30 s).</summary>
    private sealed class RetryQuickly : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime < Wait.DefaultTimeout ? TimeSpan.FromMilliseconds(50) : null;
    }
}
