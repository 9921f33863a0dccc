using System.Text.Json;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>tests/ConformanceHost serves both parts of PROTOCOL.md's conformance configuration on one port.</summary>
public class ConformanceHostTests
{
    [Fact]
    public async Task Serves_socket_io_beside_the_engine_io_echo_endpoint()
    {
        await using var host = await RunningApp<Program>.StartAsync();
        using var http = host.CreateClient();

        // Engine.IO handshake on /socket.io/ with the suites' options.
        var open = await http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
        Assert.StartsWith("0{", open);
        using var handshake = JsonDocument.Parse(open[1..]);
        Assert.Equal(300, handshake.RootElement.GetProperty("pingInterval").GetInt32());
        Assert.Equal(200, handshake.RootElement.GetProperty("pingTimeout").GetInt32());
        var sid = handshake.RootElement.GetProperty("sid").GetString();

        // CONNECT to the main namespace with an auth payload: the reply, then "auth" echoing it.
        using var connect = await http.PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent("40{\"token\":\"abc\"}"));
        Assert.Equal("ok", await connect.Content.ReadAsStringAsync());
        var packets = new List<string>();
        while (!packets.Any(p => p.StartsWith("42", StringComparison.Ordinal)))
        {
            var payload = await Wait.For(http.GetStringAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}"), "the CONNECT reply and the auth event");
            packets.AddRange(payload.Split('\u001e').Where(p => p != "2"));   // the 300 ms heartbeat may interleave a ping
        }
        Assert.Equal(2, packets.Count);
        Assert.Matches("^40\\{\"sid\":\"[^\"]+\"\\}$", packets[0]);
        Assert.Equal("42[\"auth\",{\"token\":\"abc\"}]", packets[1]);

        // The Engine.IO echo endpoint is still there.
        Assert.StartsWith("0{", await http.GetStringAsync("/engine.io/?EIO=4&transport=polling"));
    }
}
