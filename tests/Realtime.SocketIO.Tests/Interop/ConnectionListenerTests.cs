using Realtime.SocketIO.Tests.Infrastructure;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary><c>io.Once("connection", …)</c> and <c>io.Off("connection", handler)</c>, as Node's EventEmitter, with the official client.</summary>
public sealed class ConnectionListenerTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Once_runs_for_the_first_connection_and_Off_removes_a_connection_handler(string transport)
    {
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io =>
        {
            Action<SocketIOSocket> greet = socket => socket.Emit("greeting", "어서 오세요");
            io.Once("connection", socket => socket.Emit("first", "첫 손님입니다"));
            io.On("connection", greet);
            io.On("connection", socket =>
            {
                socket.On("stop-greeting", () => { io.Off("connection", greet); return true; });
                socket.Emit("ready", "준비");
            });
        });

        var lines = await NodeScript.RunAsync("sio-connection-once.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!, l => l.TryGetProperty("heard", out var h) ? h.EnumerateArray().Select(e => e.GetString()!).ToArray() : []);

        Assert.False(seen.ContainsKey("error"), string.Join("\n", lines));
        Assert.Equal(["first: 첫 손님입니다", "greeting: 어서 오세요", "ready: 준비"], seen["first"]);
        Assert.Equal(["greeting: 어서 오세요", "ready: 준비"], seen["second"]);
        Assert.Equal(["ready: 준비"], seen["third"]);
    }
}
