using System.Text.Json;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// Connection state recovery on the raw wire (WebSocket frames written by hand): the pid, the offsets, and the packets
/// a recovered socket is sent before its CONNECT answer, byte for byte; and what an unusable <c>{pid, offset}</c> gets.
/// </summary>
public sealed class RecoveryWireTests
{
    [Fact]
    public async Task A_recovered_socket_is_sent_the_missed_packets_with_their_offsets_then_its_old_sid_and_pid()
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.OnConnection(socket =>
        {
            socket.Join("뉴스방");
            socket.On<string>("disconnect", reason => server.Add($"disconnect {reason}"));
        }), o => o.ConnectionStateRecovery = new());

        var (first, sid, pid) = await ConnectWithPidAsync(host);
        host.IO.To("뉴스방").Emit("news", "하나");
        Assert.Equal("""42["news","하나","1"]""", await first.ReceiveTextAsync());
        host.IO.Sockets.Sockets[sid].Emit("private", 1);            // a socket's own emit carries an offset too
        Assert.Equal("""42["private",1,"2"]""", await first.ReceiveTextAsync());

        await first.DisposeAsync();                                   // the transport goes: "transport close"
        await server.WaitForText("disconnect transport close");
        host.IO.To("뉴스방").Emit("news", "둘");
        host.IO.To("다른방").Emit("news", "아님");
        host.IO.Emit("news", "셋", new byte[] { 7 });                 // binary: kept with its attachment

        var (second, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using (second)
        {
            await second.SendAsync($$"""40{"pid":"{{pid}}","offset":"2"}""");
            Assert.Equal("""42["news","둘","3"]""", await second.ReceiveTextAsync());
            Assert.Equal("""451-["news","셋",{"_placeholder":true,"num":0},"5"]""", await second.ReceiveTextAsync());
            Assert.Equal(new byte[] { 7 }, await second.ReceiveBinaryAsync());
            Assert.Equal($$"""40{"sid":"{{sid}}","pid":"{{pid}}"}""", await second.ReceiveTextAsync());
            Assert.Equal(["뉴스방"], host.IO.Sockets.Sockets[sid].Rooms.Skip(1));
            Assert.True(host.IO.Sockets.Sockets[sid].Recovered);
        }
    }

    [Fact]
    public async Task A_volatile_broadcast_takes_no_offset_and_is_not_kept_for_a_recovered_socket()
    {
        // Node keeps only what it would resend: a volatile event may be dropped anyway, so it gets no offset.
        var server = new Transcript();
        await using var host = await StartReportingDisconnectsAsync(server);

        var (first, sid, pid) = await ConnectWithPidAsync(host);
        host.IO.Emit("news", "하나");
        Assert.Equal("""42["news","하나","1"]""", await first.ReceiveTextAsync());

        await first.DisposeAsync();
        await server.WaitForText("disconnect transport close");
        host.IO.Volatile.Emit("tick", 1);                            // nobody to send it to, and not kept
        host.IO.Emit("news", "둘");                                  // offset 2: the volatile one took none

        var (second, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using (second)
        {
            await second.SendAsync($$"""40{"pid":"{{pid}}","offset":"1"}""");
            Assert.Equal("""42["news","둘","2"]""", await second.ReceiveTextAsync());
            Assert.Equal($$"""40{"sid":"{{sid}}","pid":"{{pid}}"}""", await second.ReceiveTextAsync());
        }
    }

    [Theory]
    [InlineData("""{"pid":12,"offset":"1"}""")]                     // not a string
    [InlineData("""{"pid":"unknown-pid-of-twenty","offset":"1"}""")] // no such session
    [InlineData("""{"pid":"{pid}","offset":"not-an-offset"}""")]     // an offset this server never gave
    [InlineData("""{"pid":"{pid}"}""")]                              // no offset: nothing to resume from
    [InlineData("""{"pid":"{pid}","offset":"99"}""")]                // an offset not given yet
    public async Task An_unusable_pid_or_offset_gets_a_new_socket_not_an_error(string auth)
    {
        var server = new Transcript();
        await using var host = await StartReportingDisconnectsAsync(server);
        var (first, sid, pid) = await ConnectWithPidAsync(host);
        host.IO.Emit("news", 1);
        Assert.Equal("""42["news",1,"1"]""", await first.ReceiveTextAsync());
        await first.DisposeAsync();
        await server.WaitForText("disconnect transport close");

        var (second, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await using (second)
        {
            await second.SendAsync("40" + auth.Replace("{pid}", pid, StringComparison.Ordinal));
            var answer = JsonDocument.Parse((await second.ReceiveTextAsync())[2..]).RootElement;
            Assert.NotEqual(sid, answer.GetProperty("sid").GetString());
            Assert.NotEqual(pid, answer.GetProperty("pid").GetString());
            Assert.False(host.IO.Sockets.Sockets[answer.GetProperty("sid").GetString()!].Recovered);
        }
    }

    /// <summary>A server with recovery on whose sockets write "disconnect {reason}" to <paramref name="server"/>.</summary>
    private static Task<SocketIOTestHost> StartReportingDisconnectsAsync(Transcript server) =>
        SocketIOTestHost.StartWithDefaultsAsync(io => io.OnConnection(socket =>
            socket.On<string>("disconnect", reason => server.Add($"disconnect {reason}"))), o => o.ConnectionStateRecovery = new());

    /// <summary>A raw-wire client of "/", and the sid and pid of its CONNECT answer.</summary>
    private static async Task<(WsWire Wire, string Sid, string Pid)> ConnectWithPidAsync(SocketIOTestHost host)
    {
        var (wire, _) = await WsWire.ConnectAsync(host.BaseAddress);
        await wire.SendAsync("40");
        var connect = JsonDocument.Parse((await wire.ReceiveTextAsync())[2..]).RootElement;
        return (wire, connect.GetProperty("sid").GetString()!, connect.GetProperty("pid").GetString()!);
    }
}
