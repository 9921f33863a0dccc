using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// bench/BenchHost answers the load harness's events as the reference node-server.js does
/// (/work/shared/bench/node-server.js: <c>socket.on('echo', (payload, ack) =&gt; ack(payload))</c>), binary included.
/// </summary>
public class BenchHostTests
{
    [Fact]
    public async Task Echo_answers_what_the_client_sent_binary_included()
    {
        await using var host = await BenchHostProcess.StartAsync();
        var (wire, _) = await WsWire.ConnectMainAsync(host.Address);
        await using var __ = wire;

        // JSON: back as it came.
        await wire.SendAsync("""420["echo",{"n":1,"s":"é"}]""");
        Assert.Equal("""430[{"n":1,"s":"é"}]""", await wire.ReceiveTextAsync());

        // A buffer: back as a buffer (a BINARY_ACK and its attachment), not as the placeholder object.
        await wire.SendAsync("""451-1["echo",{"_placeholder":true,"num":0}]""");
        await wire.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal("""461-1[{"_placeholder":true,"num":0}]""", await wire.ReceiveTextAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, await wire.ReceiveBinaryAsync());

        // A buffer inside an object, beside JSON.
        await wire.SendAsync("""451-2["echo",{"name":"a.gif","data":{"_placeholder":true,"num":0}}]""");
        await wire.SendAsync(new byte[] { 0x47, 0x49, 0x46 });
        Assert.Equal("""461-2[{"name":"a.gif","data":{"_placeholder":true,"num":0}}]""", await wire.ReceiveTextAsync());
        Assert.Equal(new byte[] { 0x47, 0x49, 0x46 }, await wire.ReceiveBinaryAsync());
    }
}
