using GifChat.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GifChat.Pages;

/// <summary><c>GET /</c>: the room list (the book's <c>renderMain</c>), with the error a redirect brought back.</summary>
public sealed class IndexModel(RoomStore rooms) : PageModel
{
    public List<Room> Rooms { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync(string? error, CancellationToken ct)
    {
        Rooms = await rooms.ListAsync(ct);
        Error = RoomRules.ErrorMessage(error);
    }
}
