namespace RoomsNamespaces.Chat;

/// <summary>What the room page sends with <c>chat</c>: <c>{ name, msg }</c>.</summary>
public sealed record ChatMessage(string? Name, string? Msg);

/// <summary>
/// The checks the post left out. A refused event is answered (if the client asked for an acknowledgement) with
/// <c>{"error":"…"}</c> and goes to nobody; accepted ones are answered <c>{"ok":true}</c>.
/// </summary>
public static class ChatInput
{
    public const int MaxNameLength = 20;
    public const int MaxMessageLength = 500;

    public static readonly object Ok = new { ok = true };

    public static object? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? Error("이름을 입력하세요.")
        : name.Length > MaxNameLength ? Error($"이름은 {MaxNameLength}자까지입니다.")
        : null;

    public static object? Check(ChatMessage? chat) =>
        chat is null ? Error("{ name, msg }를 보내세요.")
        : CheckName(chat.Name) ?? (
            string.IsNullOrWhiteSpace(chat.Msg) ? Error("메시지를 입력하세요.")
            : chat.Msg.Length > MaxMessageLength ? Error($"메시지는 {MaxMessageLength}자까지입니다.")
            : null);

    private static object Error(string message) => new { error = message };
}
