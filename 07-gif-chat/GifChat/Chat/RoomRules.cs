namespace GifChat;

/// <summary>Limits the forms and the endpoints check (the book checked none of them on the server).</summary>
public static class RoomRules
{
    public const int MaxTitleLength = 50;
    public const int MinMembers = 2;
    public const int MaxMembers = 100;
    public const int DefaultMembers = 10;
    public const int MaxPasswordLength = 100;
    public const int MaxChatLength = 1000;

    // The lobby's error messages, reached through /?error=<code> so a link cannot make the page say anything else.
    public const string NotFound = "존재하지 않는 방입니다.";
    public const string WrongPassword = "비밀번호가 틀렸습니다.";
    public const string Full = "허용 인원이 초과하였습니다.";

    public static string? ErrorMessage(string? code) => code switch
    {
        "not-found" => NotFound,
        "wrong-password" => WrongPassword,
        "full" => Full,
        _ => null,
    };
}
