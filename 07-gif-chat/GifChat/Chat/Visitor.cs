using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GifChat;

/// <summary>
/// What the session remembers about a visitor: their colour (their name in the chat, derived from the session id as
/// the book's <c>color-hash</c> does) and the rooms they were admitted to (passed the password check).
/// </summary>
public sealed record Visitor(string SessionId, string? Color, IReadOnlySet<int> AdmittedRooms)
{
    private const string ColorKey = "color";
    private const string AdmittedKey = "admitted";

    public bool IsAdmitted(int roomId) => AdmittedRooms.Contains(roomId);

    /// <summary>Reads a loaded session.</summary>
    public static Visitor From(ISession session) =>
        new(session.Id, session.GetString(ColorKey), ParseRooms(session.GetString(AdmittedKey)));

    /// <summary>
    /// The book's <c>if (!req.session.color) req.session.color = colorHash.hex(req.sessionID)</c>, as middleware.
    /// Storing the colour is what makes ASP.NET Core send the session cookie.
    /// </summary>
    public static async Task GiveColorAsync(HttpContext context, RequestDelegate next)
    {
        await context.Session.LoadAsync(context.RequestAborted);
        if (context.Session.GetString(ColorKey) is null)
        {
            context.Session.SetString(ColorKey, ColorOf(context.Session.Id));
        }
        await next(context);
    }

    public static string ColorOf(HttpContext context) =>
        context.Session.GetString(ColorKey) ?? throw new InvalidOperationException("GiveColorAsync did not run.");

    /// <summary>Remembers that this session passed the room's password check (or created the room).</summary>
    public static void Admit(ISession session, int roomId)
    {
        var rooms = new HashSet<int>(ParseRooms(session.GetString(AdmittedKey))) { roomId };
        session.SetString(AdmittedKey, string.Join(',', rooms.Order()));
    }

    /// <summary>
    /// A colour from any text, like <c>color-hash</c>: a hue from a hash, saturation and lightness from three steps
    /// each. color-hash's lightest step (0.65) is hard to read on white, so the steps here are darker.
    /// </summary>
    public static string ColorOf(string sessionId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sessionId));
        double hue = ((hash[0] << 8) | hash[1]) % 360;
        double[] saturation = [0.5, 0.65, 0.8];
        double[] lightness = [0.3, 0.38, 0.46];
        var (r, g, b) = HslToRgb(hue, saturation[hash[2] % 3], lightness[hash[3] % 3]);
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    private static (int R, int G, int B) HslToRgb(double h, double s, double l)
    {
        var c = (1 - Math.Abs(2 * l - 1)) * s;
        var x = c * (1 - Math.Abs(h / 60 % 2 - 1));
        var m = l - c / 2;
        var (r, g, b) = (int)(h / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return (To255(r + m), To255(g + m), To255(b + m));

        static int To255(double v) => (int)Math.Round(v * 255);
    }

    private static HashSet<int> ParseRooms(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0)];
}
