using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GifChat.Pages.Rooms;

/// <summary>
/// <c>GET /room</c> shows the form; <c>POST /room</c> (the book's <c>createRoom</c>) creates the room, announces it to
/// the lobby as <c>newRoom</c> without the password, admits its creator and goes in.
/// </summary>
public sealed class CreateModel(RoomStore rooms, ChatEvents events, ILogger<CreateModel> logger) : PageModel
{
    [BindProperty(Name = "title")]
    [Required(ErrorMessage = "방 제목을 입력하세요.")]
    [StringLength(RoomRules.MaxTitleLength, ErrorMessage = "방 제목은 50자까지 쓸 수 있습니다.")]
    public string? RoomTitle { get; set; }

    [BindProperty(Name = "max")]
    [Range(RoomRules.MinMembers, RoomRules.MaxMembers, ErrorMessage = "허용 인원은 2명에서 100명 사이로 정하세요.")]
    public int Max { get; set; } = RoomRules.DefaultMembers;

    [BindProperty(Name = "password")]
    [StringLength(RoomRules.MaxPasswordLength, ErrorMessage = "비밀번호는 100자까지 쓸 수 있습니다.")]
    public string? Password { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        RoomTitle = RoomTitle?.Trim();
        if (ModelState["max"] is { Errors.Count: > 0 } max)   // "abc" or empty: one message in Korean, as for 1 or 101
        {
            max.Errors.Clear();
            ModelState.AddModelError("max", "허용 인원은 2명에서 100명 사이로 정하세요.");
        }
        if (string.IsNullOrEmpty(RoomTitle) && ModelState.ErrorCount == 0)
        {
            ModelState.AddModelError("title", "방 제목을 입력하세요.");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var room = await rooms.CreateAsync(RoomTitle!, Max, Password, Visitor.ColorOf(HttpContext), ct);
        logger.LogInformation("방 생성: {Id} {Title} (최대 {Max}명, {Kind})", room.Id, room.Title, room.Max, room.HasPassword ? "비밀방" : "공개방");
        Visitor.Admit(HttpContext.Session, room.Id);   // the creator does not have to type the password again
        events.NewRoom(RoomSummary.From(room));
        return Redirect($"/room/{room.Id}");
    }
}
