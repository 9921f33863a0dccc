namespace GifChat;

/// <summary>What the HTTP side tells the sockets: a new room for the lobby, a new line for a room.</summary>
public sealed class ChatEvents
{
    // Socket.IO wiring pending (the library's server API is not there yet).
    public Task NewRoomAsync(RoomSummary room, CancellationToken ct) => Task.CompletedTask;

    public Task ChatAsync(ChatMessage chat, CancellationToken ct) => Task.CompletedTask;
}
