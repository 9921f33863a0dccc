using System.Net;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// <see cref="EngineIOSocket.SendVolatile"/> on the raw polling wire: a message is sent only while a GET waits for it
/// (Node's <c>transport.writable</c>), else dropped and never queued.
/// </summary>
public sealed class VolatileSendTests(SteadyConformanceFixture host) : IClassFixture<SteadyConformanceFixture>
{
    [Fact]
    public async Task Over_polling_a_volatile_message_goes_out_only_while_a_GET_waits()
    {
        using var wire = host.Wire();
        var sid = (await wire.HandshakeAsync()).Sid;
        var socket = host.Server.Clients.Single(c => c.Id == sid);

        // No GET waits after the handshake: dropped.
        Assert.False(socket.SendVolatile([EngineMessage.FromText("lost")]));

        var waiting = host.Probe.NextPollWaiting(sid);
        var get = wire.PollAsync(sid);
        await Wait.For(waiting, "the GET to be held open");
        Assert.True(socket.SendVolatile([EngineMessage.FromText("kept"), EngineMessage.FromText("with it")]));
        Assert.Equal((HttpStatusCode.OK, "4kept\u001e4with it"), await Wait.For(get, "the GET"));

        // That GET is answered and no other waits: dropped again, while a normal message waits for the next GET.
        Assert.False(socket.SendVolatile([EngineMessage.FromText("lost too")]));
        socket.Send("normal");
        Assert.False(socket.SendVolatile([EngineMessage.FromText("behind a queued one")]));
        Assert.Equal((HttpStatusCode.OK, "4normal"), await wire.PollAsync(sid));
    }
}
