using Microsoft.AspNetCore.SignalR;

namespace RoomsNamespaces.SignalR.Hubs;

/// <summary>
/// Post 003's chat (server.js) as a hub at <c>/chat</c>: join, chat and leave go to everyone, the sender included
/// (<c>io.emit</c> → <c>Clients.All</c>); after leave the server ends that connection (<c>socket.disconnect(true)</c> →
/// <c>Context.Abort()</c>).
/// </summary>
public sealed class ChatHub(ILogger<ChatHub> logger) : Hub
{
    private const int MaxName = 30;
    private const int MaxMessage = 500;

    public override Task OnConnectedAsync()
    {
        logger.LogInformation("Socket Connected");
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        logger.LogInformation("Socket Disconnected");
        return Task.CompletedTask;
    }

    /// <summary><c>socket.on("join", name => io.emit("join", name))</c>.</summary>
    public Task Join(string name) => Clients.All.SendAsync("join", CheckName(name));

    /// <summary><c>socket.on("chat", msg => io.emit("chat", msg))</c> with <c>msg = { name, msg }</c>.</summary>
    public Task Chat(ChatMessage message)
    {
        if (message is null || string.IsNullOrWhiteSpace(message.Msg) || message.Msg.Length > MaxMessage)
        {
            throw new HubException($"A chat message is 1 to {MaxMessage} characters.");
        }
        return Clients.All.SendAsync("chat", message with { Name = CheckName(message.Name) });
    }

    /// <summary><c>socket.on("leave", name => { io.emit("leave", name); socket.disconnect(true); })</c>.</summary>
    public async Task Leave(string name)
    {
        await Clients.All.SendAsync("leave", CheckName(name));
        Context.Abort();
    }

    private static string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxName)
        {
            throw new HubException($"A name is 1 to {MaxName} characters, not blank.");
        }
        return name.Trim();
    }
}

/// <summary>What <c>chat</c> carries: <c>{ name, msg }</c> in JSON.</summary>
public sealed record ChatMessage(string Name, string Msg);
