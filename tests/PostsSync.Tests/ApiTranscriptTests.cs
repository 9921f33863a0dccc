using System.Net.Http.Json;
using System.Text.Json;
using Realtime.Testing;

namespace PostsSync.Tests;

/// <summary>
/// One person's session through the REST API, written down request by request: the snapshot reads as the API's
/// documentation (what is sent, what comes back, with ids, times, tokens and image names scrubbed).
/// </summary>
public sealed class ApiTranscriptTests
{
    [Fact]
    public async Task A_session_through_the_api()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var transcript = new Transcript();
        using var client = app.Client();

        async Task<JsonElement> Call(string method, string path, object? json = null, MultipartFormDataContent? form = null, string? formText = null)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = (HttpContent?)form ?? (json is null ? null : JsonContent.Create(json)),
            };
            var sent = formText ?? (json is null ? "" : " " + JsonSerializer.Serialize(json));
            transcript.Add($"> {method} {path}{(client.DefaultRequestHeaders.Authorization is null ? "" : " (Bearer token)")}{sent}");
            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            transcript.Add($"< {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        transcript.Section("Sign up, twice with the same email");
        await Call("PUT", "/auth/signup", new { email = "kim@example.com", password = "secret1", name = "Kim" });
        await Call("PUT", "/auth/signup", new { email = "kim@example.com", password = "abc", name = "" });

        transcript.Section("Log in: a wrong password, then the right one");
        await Call("POST", "/auth/login", new { email = "kim@example.com", password = "wrong1" });
        var login = await Call("POST", "/auth/login", new { email = "kim@example.com", password = "secret1" });

        transcript.Section("Without the token, the feed is closed");
        await Call("GET", "/feed/posts?page=1");

        client.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());
        transcript.Section("Status");
        await Call("GET", "/auth/status");
        await Call("PATCH", "/auth/status", new { status = "Writing my first post" });

        transcript.Section("Create: a text file named .png is refused, a PNG is stored under a new name");
        await Call("POST", "/feed/post", form: PostsSyncServer.Form("First post", "Hello, feed!", TestImages.Text, "notes.png"),
            formText: " multipart: title=First post, content=Hello, feed!, image=notes.png (text)");
        var first = await Call("POST", "/feed/post", form: PostsSyncServer.Form("First post", "Hello, feed!", TestImages.Png, "photo.png"),
            formText: " multipart: title=First post, content=Hello, feed!, image=photo.png (PNG)");
        await Call("POST", "/feed/post", form: PostsSyncServer.Form("Second post", "Hello again!", TestImages.Png, "photo.png"),
            formText: " multipart: title=Second post, content=Hello again!, image=photo.png (PNG)");
        await Call("POST", "/feed/post", form: PostsSyncServer.Form("Third post", "Page two begins", TestImages.Png, "photo.png"),
            formText: " multipart: title=Third post, content=Page two begins, image=photo.png (PNG)");

        transcript.Section("The feed: two per page, newest first");
        await Call("GET", "/feed/posts?page=1");
        await Call("GET", "/feed/posts?page=2");

        var id = first.GetProperty("post").GetProperty("_id").GetInt32();
        transcript.Section("One post, edit it (no new image keeps the old one), delete it");
        await Call("GET", $"/feed/post/{id}");
        await Call("PUT", $"/feed/post/{id}", form: PostsSyncServer.Form("First post, edited", "Hello, feed!"),
            formText: " multipart: title=First post, edited, content=Hello, feed!");
        await Call("DELETE", $"/feed/post/{id}");
        await Call("GET", $"/feed/post/{id}");

        Snapshot.Match(transcript.ToString());
    }
}
