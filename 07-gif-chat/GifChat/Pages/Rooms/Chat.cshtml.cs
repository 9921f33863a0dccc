using GifChat.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GifChat.Pages.Rooms;

/// <summary>
/// <c>GET /room/{id}</c> (the book's <c>enterRoom</c>): the room with its history, after three checks that send the
/// visitor back to the lobby with a message: the room exists, the session passed its password, it is not full.
/// <c>POST /room/{id}</c> takes the password from the lobby (the book put it in the URL) and admits the session.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(ChatGuards.PasswordPolicy)]   // POST (the password): 10 a minute per address
public sealed class ChatModel(RoomStore rooms, RoomPresence presence, ILogger<ChatModel> logger) : PageModel
{
    public Room Room { get; private set; } = null!;
    public List<ChatMessage> Chats { get; private set; } = [];
    public string Me { get; private set; } = "";
    public IReadOnlyList<Member> Members { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        var room = await rooms.FindAsync(id, ct);
        if (room is null)
        {
            return BackToLobby("not-found");
        }
        if (room.HasPassword && !Visitor.From(HttpContext.Session).IsAdmitted(id))
        {
            return BackToLobby("wrong-password");
        }
        if (!presence.HasSeat(id, HttpContext.Session.Id) && presence.Count(id) >= room.Max)   // a seat is per visitor
        {
            return BackToLobby("full");
        }
        Visitor.Admit(HttpContext.Session, id);   // lets this session post chats and join the room's socket room
        Room = room;
        Me = Visitor.ColorOf(HttpContext);
        Chats = await rooms.HistoryAsync(id, ct);
        Members = presence.Members(id);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, [FromForm] string? password, CancellationToken ct)
    {
        var room = await rooms.FindAsync(id, ct);
        if (room is null)
        {
            return BackToLobby("not-found");
        }
        if (!RoomStore.CheckPassword(room, password))
        {
            logger.LogInformation("비밀번호가 틀렸습니다: 방 {Id}", id);
            return BackToLobby("wrong-password");
        }
        Visitor.Admit(HttpContext.Session, id);
        return Redirect($"/room/{id}");
    }

    private RedirectResult BackToLobby(string error) => Redirect($"/?error={error}");
}
