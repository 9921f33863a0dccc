using Realtime.SocketIO.Tests.Infrastructure;

namespace Realtime.SocketIO.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Connect_and_echo_over_websocket()
    {
        await using var server = await TestServer.StartConformanceAsync();
        var (wire, sid) = await WsWire.ConnectMainAsync(server.BaseAddress);
        await using var _ = wire;
        Assert.Equal("""42["auth",{}]""", await wire.ReceiveTextAsync());
        await wire.SendAsync("""42["message",1,"2",{"3":[true]}]""");
        Assert.Equal("""42["message-back",1,"2",{"3":[true]}]""", await wire.ReceiveTextAsync());
    }
}
