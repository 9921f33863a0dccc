using System.Net.Mail;

namespace BuyAlerts.Api;

/// <summary>Input checks shared by the endpoints; each failure becomes a 400 with a clear message.</summary>
public static class Validation
{
    /// <summary>Trimmed, lower-cased address, or null when it is not an email address.</summary>
    public static string? NormalizeEmail(string? email)
    {
        email = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || !email.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }
        return MailAddress.TryCreate(email, out var address) && address.Address == email ? email : null;
    }

    /// <summary>
    /// 2 to 30 characters, no control characters. Anything else goes, even <c>&lt;img src=x&gt;</c>: the pages show
    /// nicknames as text, so markup in a nickname is harmless (the post's pages inserted it as HTML).
    /// </summary>
    public static bool IsNickname(string? nickname) =>
        nickname is { Length: >= 2 and <= 30 } && !nickname.Any(char.IsControl);

    public static bool IsQuantity(int? quantity) => quantity is >= 1 and <= 99;

    /// <summary>A local path (<c>/images/...</c>) or an http(s) address; never <c>javascript:</c> or <c>data:</c>.</summary>
    public static bool IsThumbnailUrl(string? url) =>
        url is { Length: > 1 and <= 500 }
        && ((url[0] == '/' && url[1] != '/' && url[1] != '\\')
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)));
}
