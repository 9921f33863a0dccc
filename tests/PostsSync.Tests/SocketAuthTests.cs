using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// The feed needs a token, and so does its live copy: a socket is let in only with a valid login token in the
/// handshake's <c>auth</c>, and the <c>posts</c> events reach signed-in sockets only. Each client here is the official
/// Node <c>socket.io-client</c>, sending what a hostile script would send.
/// </summary>
public sealed class SocketAuthTests
{
    [Theory]
    [InlineData("none", "Not authenticated.")]
    [InlineData("garbage", "Not authenticated: the token is invalid.")]
    [InlineData("foreign", "Not authenticated: the token is invalid.")]
    [InlineData("expired", "Not authenticated: the token has expired.")]
    public async Task A_socket_without_a_valid_token_is_refused_and_hears_no_posts(string kind, string message)
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (kimId, kim) = await app.SignUpAndLogInAsync("Kim");
        var token = kind switch
        {
            "none" => null,
            "garbage" => "not.a.token",
            "foreign" => FeedApiTests.Forge(kimId, "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz", DateTime.UtcNow.AddHours(1)),
            "expired" => FeedApiTests.Forge(kimId, PostsSyncServer.JwtSecret, DateTime.UtcNow.AddMinutes(-5)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        await using var stranger = await NodeListener.TryConnectAsync(app.BaseAddress, token);
        await using var member = await NodeListener.ConnectAsync(app.BaseAddress, kim);

        await app.CreatePostAsync(kim, "Hello from Kim");

        await member.Lines.WaitForText("posts {\"action\":\"create\"");     // the post was sent to the signed-in socket
        Assert.Contains($"connect_error {message}", stranger.Lines.Lines);
        Assert.DoesNotContain(stranger.Lines.Lines, l => l == "connected" || l.StartsWith("posts", StringComparison.Ordinal)
            || l.StartsWith("frame 42", StringComparison.Ordinal));     // no event frame at all
    }

    [Fact]
    public async Task A_signed_in_socket_is_disconnected_when_its_token_expires()
    {
        // Tokens that live 20 s (long enough to connect on a busy machine): the socket is let in, then closed by the
        // server at the token's exp.
        await using var app = await PostsSyncServer.StartAsync(settings: new() { ["Jwt:Lifetime"] = "00:00:20" });
        var (_, kim) = await app.SignUpAndLogInAsync("Kim");
        await using var listener = await NodeListener.ConnectAsync(app.BaseAddress, kim);

        await listener.Lines.WaitForText("disconnect io server disconnect", timeout: TimeSpan.FromSeconds(60));
    }
}
