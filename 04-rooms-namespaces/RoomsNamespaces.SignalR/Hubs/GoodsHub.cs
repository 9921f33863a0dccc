using Microsoft.AspNetCore.SignalR;

namespace RoomsNamespaces.SignalR.Hubs;

/// <summary>
/// Post 001's namespace <c>io.of("/goods")</c> as a hub at <c>/goods</c>. Unlike a namespace, a hub is its own
/// connection: a page that uses /goods and /user opens two WebSockets (Socket.IO multiplexes both over one).
/// </summary>
public sealed class GoodsHub(ILogger<GoodsHub> logger) : Hub
{
    public override Task OnConnectedAsync()
    {
        logger.LogInformation("goods connected");
        return Task.CompletedTask;
    }

    /// <summary><c>socket.on("shoes", res => ...)</c>; the return value is the acknowledgement.</summary>
    public string Shoes(string res)
    {
        logger.LogInformation("shoes: {Res}", res);
        return $"shoes 받음: {res}";
    }

    /// <summary><c>socket.on("pants", res => ...)</c>.</summary>
    public string Pants(string res)
    {
        logger.LogInformation("pants: {Res}", res);
        return $"pants 받음: {res}";
    }
}
