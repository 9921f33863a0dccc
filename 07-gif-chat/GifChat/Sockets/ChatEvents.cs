using Realtime.SocketIO;

namespace GifChat;

/// <summary>
/// What the HTTP side tells the sockets, the book's <c>req.app.get('io')</c> calls: a new room for the lobby
/// (namespace <c>/room</c>), a new line for a room (namespace <c>/chat</c>, the Socket.IO room named by the room id).
/// </summary>
public sealed class ChatEvents(SocketIOServer io)
{
    public const string Lobby = "/room";
    public const string Chat = "/chat";

    /// <summary><c>io.of('/room').emit('newRoom', room)</c>, with <see cref="RoomSummary"/>: no password, only whether there is one.</summary>
    public void NewRoom(RoomSummary room) => io.Of(Lobby).Emit("newRoom", room);

    /// <summary><c>io.of('/room').emit('removeRoom', id)</c>: the lobby drops the row.</summary>
    public void RemoveRoom(int roomId) => io.Of(Lobby).Emit("removeRoom", roomId);

    /// <summary>The owner left and the room was handed over: the lobby updates the owner column.</summary>
    public void RoomOwner(int roomId, string owner) => io.Of(Lobby).Emit("roomOwner", new { id = roomId, owner });

    /// <summary><c>io.of('/chat').to(roomId).emit('chat', chat)</c>: everyone in the room, the sender too.</summary>
    public void ChatLine(ChatMessage chat) => io.Of(Chat).To(RoomName(chat.Room)).Emit("chat", chat);

    /// <summary>Socket.IO rooms are named by strings: the room's id.</summary>
    public static string RoomName(int roomId) => roomId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
