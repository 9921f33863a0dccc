using System.Text.RegularExpressions;
using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// What a second client receives while someone creates, edits and deletes a post over the REST API: the
/// <c>posts</c> events, as the official Node <c>socket.io-client</c> sees them, frame by frame.
/// </summary>
public sealed partial class SocketEventsTests
{
    [Fact]
    public async Task A_second_client_receives_create_update_and_delete()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var transcript = new Transcript();
        var seen = 0;
        // Copies what the listener printed since the last call under a heading.
        void Received(NodeListener listener, string heading)
        {
            transcript.Section(heading);
            var lines = listener.Lines.Lines;
            foreach (var line in lines.Skip(seen))
            {
                transcript.Add(line);
            }
            seen = lines.Count;
        }

        var (_, kim) = await app.SignUpAndLogInAsync("Kim");
        var (_, lee) = await app.SignUpAndLogInAsync("Lee");   // the second client is a signed-in user: its token in the handshake
        await using var listener = await NodeListener.ConnectAsync(app.BaseAddress, lee);
        await app.Log.WaitForText("Client connected");
        transcript.Section("Server log when the second client connects");
        transcript.Add(app.Log.Lines.Single(l => l.Contains("Client connected", StringComparison.Ordinal)));
        Received(listener, "The second client connects (Node socket.io-client over WebSocket): the namespace CONNECT");

        using var client = app.Client(kim);
        var created = await app.CreatePostAsync(kim, "Hello from Kim", "My first post.");
        var id = created.GetProperty("_id").GetInt32();
        await listener.Lines.WaitForText("posts {\"action\":\"create\"");
        Received(listener, "Kim: POST /feed/post → everyone gets { action: 'create', post } (frame on the wire, then the event)");

        (await client.PutAsync($"/feed/post/{id}", PostsSyncServer.Form("Hello again from Kim", "Edited.", TestImages.Jpeg, "new.jpg")))
            .EnsureSuccessStatusCode();
        await listener.Lines.WaitForText("posts {\"action\":\"update\"");
        Received(listener, $"Kim: PUT /feed/post/{id} with a new image → {{ action: 'update', post }}");

        (await client.DeleteAsync($"/feed/post/{id}")).EnsureSuccessStatusCode();
        await listener.Lines.WaitForText("posts {\"action\":\"delete\"");
        Received(listener, $"Kim: DELETE /feed/post/{id} → {{ action: 'delete', post: id }}");

        var text = transcript.ToString();
        Assert.DoesNotContain("example.com", text);     // never the creator's email
        Assert.DoesNotContain("AQAAAA", text);          // never a password hash
        Snapshot.Match(text, Scrubber.Default().AddPattern(SocketIdPattern(), "socket"));
    }

    // The Socket.IO socket id in the CONNECT reply (40{"sid":…}), not an Engine.IO session id: {socket1}.
    [GeneratedRegex("\"sid\":\"(?<value>[^\"]+)\"")]
    private static partial Regex SocketIdPattern();
}
