using Microsoft.AspNetCore.SignalR;

namespace RoomsNamespaces.SignalR.Hubs;

/// <summary>Post 001's namespace <c>io.of("/user")</c> as a hub at <c>/user</c>: its methods are not GoodsHub's.</summary>
public sealed class UserHub(ILogger<UserHub> logger) : Hub
{
    public override Task OnConnectedAsync()
    {
        logger.LogInformation("user connected");
        return Task.CompletedTask;
    }

    /// <summary><c>socket.on("admin", res => ...)</c>.</summary>
    public string Admin(string res)
    {
        logger.LogInformation("admin: {Res}", res);
        return $"admin 받음: {res}";
    }
}
