using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;

namespace GifChat;

/// <summary>The body of <c>POST /room/{id}/chat</c>, as the book's axios sent it: <c>{ "chat": "..." }</c>.</summary>
public sealed record ChatInput(string? Chat);

/// <summary>
/// <c>POST /room/{id}/chat</c> and <c>POST /room/{id}/gif</c> (the book's <c>sendChat</c> and <c>sendGif</c>):
/// save the line, then emit <c>chat</c> to the room on namespace <c>/chat</c>. Unlike the book, both check that the
/// room exists and that this session was admitted to it (passed its password), and the page's antiforgery token.
/// Errors are <c>{ "error": "..." }</c> with a status code; the page shows them under the form.
/// </summary>
public static class ChatEndpoints
{
    public static void MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/room/{id:int}/chat", SendChatAsync);
        app.MapPost("/room/{id:int}/gif", SendGifAsync);
    }

    private static async Task<IResult> SendChatAsync(
        int id, ChatInput input, HttpContext context, RoomStore rooms, ChatEvents events, CancellationToken ct)
    {
        if (await CheckMemberAsync(id, context, rooms) is { } refused)
        {
            return refused;
        }
        var text = input.Chat?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Error(StatusCodes.Status400BadRequest, "채팅 내용을 입력하세요.");
        }
        if (text.Length > RoomRules.MaxChatLength)
        {
            return Error(StatusCodes.Status400BadRequest, $"채팅은 {RoomRules.MaxChatLength}자까지 보낼 수 있습니다.");
        }
        var chat = await rooms.AddChatAsync(id, Visitor.ColorOf(context), text, gif: null, ct);
        if (chat is null)
        {
            return Error(StatusCodes.Status404NotFound, RoomRules.NotFound);
        }
        events.ChatLine(chat);
        return Results.Ok(chat);
    }

    private static async Task<IResult> SendGifAsync(
        int id, HttpContext context, RoomStore rooms, GifFiles gifs, ChatEvents events, CancellationToken ct)
    {
        // Who is asking comes first: a stranger's upload is refused from its headers (session cookie, antiforgery
        // header), before a byte of the body is read, buffered or written to a temporary file.
        if (await CheckMemberAsync(id, context, rooms) is { } refused)
        {
            return refused;
        }
        // Refuse an oversized upload before reading it: by its declared length, and by a hard limit on the body
        // for uploads that do not declare one (Kestrel then stops reading and ReadFormAsync throws).
        var limit = gifs.MaxBytes + 64 * 1024;   // room for the multipart headers around the file
        if (context.Request.ContentLength > limit)
        {
            return TooBig(gifs);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }
        if (!context.Request.HasFormContentType)
        {
            return Error(StatusCodes.Status400BadRequest, "multipart/form-data로 gif 파일을 보내세요.");
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooBig(gifs);
        }
        catch (InvalidDataException)
        {
            return Error(StatusCodes.Status400BadRequest, "올린 파일을 읽을 수 없습니다.");
        }
        if (form.Files.GetFile("gif") is not { } file)
        {
            return Error(StatusCodes.Status400BadRequest, "GIF 파일을 선택하세요.");
        }
        var (name, error) = await gifs.SaveAsync(file, ct);
        if (name is null)
        {
            return file.Length > gifs.MaxBytes
                ? TooBig(gifs)
                : Error(StatusCodes.Status415UnsupportedMediaType, error!);
        }
        var chat = await rooms.AddChatAsync(id, Visitor.ColorOf(context), text: null, gif: name, ct);
        if (chat is null)
        {
            gifs.Delete([name]);
            return Error(StatusCodes.Status404NotFound, RoomRules.NotFound);
        }
        events.ChatLine(chat);
        return Results.Ok(chat);
    }

    /// <summary>
    /// The checks the book left out: a valid antiforgery token, an existing room, an admitted visitor. The token must
    /// come in the <c>RequestVerificationToken</c> header (the room's script sends it there): without it, antiforgery
    /// would look for it in the form, reading the whole upload to find out that it should have been refused.
    /// </summary>
    private static async Task<IResult?> CheckMemberAsync(int id, HttpContext context, RoomStore rooms)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!context.Request.Headers.ContainsKey(TokenHeader) || !await antiforgery.IsRequestValidAsync(context))
        {
            return Error(StatusCodes.Status400BadRequest, "요청이 만료되었습니다. 페이지를 새로 고치세요.");
        }
        if (await rooms.FindAsync(id, context.RequestAborted) is null)
        {
            return Error(StatusCodes.Status404NotFound, RoomRules.NotFound);
        }
        if (!Visitor.From(context.Session).IsAdmitted(id))
        {
            return Error(StatusCodes.Status403Forbidden, "이 방에 입장하지 않았습니다.");
        }
        return null;
    }

    /// <summary>ASP.NET Core's default antiforgery header name (AntiforgeryOptions.HeaderName).</summary>
    private const string TokenHeader = "RequestVerificationToken";

    private static IResult TooBig(GifFiles gifs) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"GIF는 {gifs.MaxBytes / 1024 / 1024}MB까지 올릴 수 있습니다.");

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
