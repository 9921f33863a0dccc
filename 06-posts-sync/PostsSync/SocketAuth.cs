using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.SocketIO;

namespace PostsSync;

/// <summary>
/// The socket's own <c>is-auth</c>: the page connects with <c>io({ auth: { token } })</c>, and this middleware
/// checks that token the way <c>AddJwtBearer</c> checks the REST calls' <c>Authorization</c> header. Without a valid
/// token the socket is refused (the client's <c>connect_error</c> says why, in the REST API's words), so every socket
/// that <c>io.Emit("posts", ...)</c> reaches belongs to a signed-in user. The course connected anyone: the feed
/// needed a token, its live copy did not.
/// <para>
/// A token is a permission with an end: when it expires, the socket is disconnected, as the REST API starts
/// answering 401 then (the page logs out at that moment anyway; a client that does not is cut off here).
/// </para>
/// </summary>
public sealed class SocketAuth(Tokens tokens, TimeProvider time)
{
    public const string UserIdKey = "userId";

    /// <summary><c>io.use((socket, next) =&gt; ...)</c>: refuses the socket unless its handshake carries a valid token.</summary>
    public async Task AuthenticateAsync(SocketIOSocket socket)
    {
        var auth = socket.Handshake.Auth;
        var token = auth.ValueKind == System.Text.Json.JsonValueKind.Object
            && auth.TryGetProperty("token", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;
        if (string.IsNullOrEmpty(token))
        {
            throw new SocketIOConnectException("Not authenticated.");
        }
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, tokens.ValidationParameters);
        if (!result.IsValid || !result.Claims.TryGetValue(Tokens.UserIdClaim, out var userId))
        {
            throw new SocketIOConnectException(result.Exception is SecurityTokenExpiredException
                ? "Not authenticated: the token has expired."
                : "Not authenticated: the token is invalid.");
        }
        // Signed in until the token's exp, not forever: then the socket is closed (disconnect reason
        // "server namespace disconnect"), and the page has to log in again to get a new one. (The REST API allows
        // 30 s of clock skew; a socket that would live less than nothing is refused instead.)
        var left = result.SecurityToken.ValidTo - time.GetUtcNow().UtcDateTime;
        if (left <= TimeSpan.Zero)
        {
            throw new SocketIOConnectException("Not authenticated: the token has expired.");
        }
        socket.Data[UserIdKey] = userId;
        var expiry = time.CreateTimer(_ => socket.Disconnect(), null, left, Timeout.InfiniteTimeSpan);
        socket.On("disconnect", () => expiry.Dispose());
    }
}
