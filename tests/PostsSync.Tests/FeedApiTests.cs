using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PostsSync.Tests;

/// <summary>/feed/posts and /feed/post[/{postId}], each answer and each failure, and /images.</summary>
public sealed class FeedApiTests
{
    [Fact]
    public async Task Create_returns_201_with_the_post_whose_creator_is_only_id_and_name()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (userId, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post", PostsSyncServer.Form("First post", "Hello, feed!", TestImages.Png, "my photo.png"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Post created successfully!", body.GetProperty("message").GetString());
        var post = body.GetProperty("post");
        Assert.Equal(["_id", "title", "content", "imageUrl", "creator", "createdAt", "updatedAt"],
            post.EnumerateObject().Select(p => p.Name));
        Assert.Equal("First post", post.GetProperty("title").GetString());
        Assert.Equal("Hello, feed!", post.GetProperty("content").GetString());
        Assert.Equal(["_id", "name"], post.GetProperty("creator").EnumerateObject().Select(p => p.Name));
        Assert.Equal(userId, post.GetProperty("creator").GetProperty("_id").GetInt32());
        Assert.Equal("Kim", post.GetProperty("creator").GetProperty("name").GetString());
        Assert.Equal(userId, body.GetProperty("creator").GetProperty("_id").GetInt32());
        Assert.DoesNotContain("example.com", text);                 // no email
        Assert.DoesNotContain("AQAAAA", text);                      // no password hash
        // A generated, OS-safe name; the client's "my photo.png" is not used.
        Assert.Matches("^images/[0-9a-f-]{36}\\.png$", post.GetProperty("imageUrl").GetString());
    }

    [Fact]
    public async Task The_uploaded_image_is_served_under_images()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var post = await app.CreatePostAsync(token, "First post");
        using var anonymous = app.Client();

        var image = await anonymous.GetAsync("/" + post.GetProperty("imageUrl").GetString());

        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestImages.Png, await image.Content.ReadAsByteArrayAsync());
        Assert.Single(app.StoredImages());
    }

    [Fact]
    public async Task A_jpeg_is_accepted_and_stored_as_jpg()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post", PostsSyncServer.Form("A jpeg post", "Some content", TestImages.Jpeg, "photo.jpeg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("post");
        Assert.EndsWith(".jpg", post.GetProperty("imageUrl").GetString());
    }

    [Fact]
    public async Task Create_with_short_title_and_content_is_422_per_field()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post", PostsSyncServer.Form(" abc ", "tiny", TestImages.Png));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Validation failed, entered data is incorrect.", body.GetProperty("message").GetString());
        Assert.Equal(["title", "content"], body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        Assert.Empty(app.StoredImages());
    }

    [Fact]
    public async Task Create_without_an_image_is_422_no_image_provided()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post", PostsSyncServer.Form("First post", "Hello, feed!"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No image provided.", body.GetProperty("message").GetString());
        Assert.Equal("image", Assert.Single(body.GetProperty("data").EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_json_body_instead_of_a_form_is_422_not_a_crash()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsJsonAsync("/feed/post", new { title = "First post", content = "Hello, feed!" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["title", "content"], (await response.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("data").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
    }

    [Theory]
    [InlineData("notes.png", "The file is not a PNG or JPEG image.")]     // a text file renamed .png
    [InlineData("picture.gif", "Only .png, .jpg and .jpeg images are accepted.")]
    [InlineData("picture", "Only .png, .jpg and .jpeg images are accepted.")]
    public async Task A_file_that_is_not_a_png_or_jpeg_is_422_and_not_stored(string fileName, string msg)
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);
        var bytes = fileName == "notes.png" ? TestImages.Text : TestImages.Png;

        var response = await client.PostAsync("/feed/post", PostsSyncServer.Form("First post", "Hello, feed!", bytes, fileName));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray());
        Assert.Equal("image", error.GetProperty("path").GetString());
        Assert.Equal(msg, error.GetProperty("msg").GetString());
        Assert.Equal(fileName, error.GetProperty("value").GetString());
        Assert.Empty(app.StoredImages());
    }

    [Fact]
    public async Task An_image_over_the_limit_is_413_and_not_stored()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post",
            PostsSyncServer.Form("First post", "Hello, feed!", TestImages.PngOfLength(PostsSyncServer.MaxImageBytes + 1)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray());
        Assert.Equal($"The image is too big: at most {PostsSyncServer.MaxImageBytes} bytes.", error.GetProperty("msg").GetString());
        Assert.Empty(app.StoredImages());
    }

    [Fact]
    public async Task A_request_far_over_the_limit_is_cut_off_with_413_and_the_server_keeps_serving()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var response = await client.PostAsync("/feed/post",
            PostsSyncServer.Form("First post", "Hello, feed!", TestImages.PngOfLength(PostsSyncServer.MaxImageBytes * 10)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The request is too large.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Empty(app.StoredImages());
        await app.CreatePostAsync(token, "Next post");
    }

    [Fact]
    public async Task Posts_come_two_per_page_newest_first_with_the_total()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        foreach (var title in new[] { "Post one", "Post two", "Post three" })
        {
            await app.CreatePostAsync(token, title);
        }
        using var client = app.Client(token);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/feed/posts?page=1");
        var page2 = await client.GetFromJsonAsync<JsonElement>("/feed/posts?page=2");
        var page3 = await client.GetFromJsonAsync<JsonElement>("/feed/posts?page=3");
        var noPage = await client.GetFromJsonAsync<JsonElement>("/feed/posts");
        var badPage = await client.GetFromJsonAsync<JsonElement>("/feed/posts?page=abc");

        static string[] Titles(JsonElement body) =>
            [.. body.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("title").GetString()!)];
        Assert.Equal("Fetched posts successfully.", page1.GetProperty("message").GetString());
        Assert.Equal(["Post three", "Post two"], Titles(page1));
        Assert.Equal(["Post one"], Titles(page2));
        Assert.Empty(Titles(page3));
        Assert.Equal(["Post three", "Post two"], Titles(noPage));
        Assert.Equal(["Post three", "Post two"], Titles(badPage));
        Assert.All(new[] { page1, page2, page3 }, p => Assert.Equal(3, p.GetProperty("totalItems").GetInt32()));
        Assert.DoesNotContain("example.com", page1.GetRawText());
    }

    [Fact]
    public async Task Get_one_post_or_404()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var created = await app.CreatePostAsync(token, "First post");
        using var client = app.Client(token);
        var id = created.GetProperty("_id").GetInt32();

        var found = await client.GetAsync($"/feed/post/{id}");
        var missing = await client.GetAsync($"/feed/post/{id + 100}");
        var notAnId = await client.GetAsync("/feed/post/abc");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var body = await found.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Post fetched.", body.GetProperty("message").GetString());
        Assert.Equal(created.GetRawText(), body.GetProperty("post").GetRawText());
        foreach (var response in new[] { missing, notAnId })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("Could not find post.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Update_by_the_creator_changes_the_post_and_replaces_the_image_file()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var created = await app.CreatePostAsync(token, "First post");
        var id = created.GetProperty("_id").GetInt32();
        var oldImage = created.GetProperty("imageUrl").GetString()!;
        using var client = app.Client(token);

        var response = await client.PutAsync($"/feed/post/{id}", PostsSyncServer.Form("Edited post", "Edited content", TestImages.Jpeg, "new.jpg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Post updated!", body.GetProperty("message").GetString());
        var post = body.GetProperty("post");
        Assert.Equal("Edited post", post.GetProperty("title").GetString());
        Assert.Equal("Edited content", post.GetProperty("content").GetString());
        var newImage = post.GetProperty("imageUrl").GetString()!;
        Assert.NotEqual(oldImage, newImage);
        Assert.Equal([Path.GetFileName(newImage)], app.StoredImages());    // the old file is gone
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/" + oldImage)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/" + newImage)).StatusCode);
        Assert.Equal(created.GetProperty("createdAt").GetString(), post.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Update_without_a_new_image_keeps_the_old_one()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var created = await app.CreatePostAsync(token, "First post");
        using var client = app.Client(token);

        var response = await client.PutAsync($"/feed/post/{created.GetProperty("_id")}", PostsSyncServer.Form("Edited post", "Edited content"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("post");
        Assert.Equal(created.GetProperty("imageUrl").GetString(), post.GetProperty("imageUrl").GetString());
        Assert.Single(app.StoredImages());
    }

    [Fact]
    public async Task Update_with_short_fields_is_422_and_a_bad_image_is_422_and_nothing_changes()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var created = await app.CreatePostAsync(token, "First post");
        var id = created.GetProperty("_id").GetInt32();
        using var client = app.Client(token);

        var shortFields = await client.PutAsync($"/feed/post/{id}", PostsSyncServer.Form("abc", "Edited content"));
        var badImage = await client.PutAsync($"/feed/post/{id}", PostsSyncServer.Form("Edited post", "Edited content", TestImages.Text, "notes.png"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, shortFields.StatusCode);
        Assert.Equal("title", Assert.Single((await shortFields.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("data").EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badImage.StatusCode);
        var stored = await client.GetFromJsonAsync<JsonElement>($"/feed/post/{id}");
        Assert.Equal(created.GetRawText(), stored.GetProperty("post").GetRawText());
        Assert.Single(app.StoredImages());
    }

    [Fact]
    public async Task Update_and_delete_by_someone_else_are_403_and_change_nothing()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, kim) = await app.SignUpAndLogInAsync("Kim");
        var (_, lee) = await app.SignUpAndLogInAsync("Lee");
        var created = await app.CreatePostAsync(kim, "Kim's post");
        var id = created.GetProperty("_id").GetInt32();
        using var asLee = app.Client(lee);

        var update = await asLee.PutAsync($"/feed/post/{id}", PostsSyncServer.Form("Lee was here", "Lee was here", TestImages.Png));
        var delete = await asLee.DeleteAsync($"/feed/post/{id}");

        foreach (var response in new[] { update, delete })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("Not authorized!", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        }
        var stored = await asLee.GetFromJsonAsync<JsonElement>($"/feed/post/{id}");
        Assert.Equal(created.GetRawText(), stored.GetProperty("post").GetRawText());
        Assert.Single(app.StoredImages());                                  // Lee's upload was not kept
    }

    [Fact]
    public async Task Update_or_delete_of_a_missing_post_is_404()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        using var client = app.Client(token);

        var update = await client.PutAsync("/feed/post/42", PostsSyncServer.Form("Edited post", "Edited content", TestImages.Png));
        var delete = await client.DeleteAsync("/feed/post/42");

        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Empty(app.StoredImages());
    }

    [Fact]
    public async Task Delete_by_the_creator_removes_the_post_and_its_image()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, token) = await app.SignUpAndLogInAsync("Kim");
        var created = await app.CreatePostAsync(token, "First post");
        var id = created.GetProperty("_id").GetInt32();
        using var client = app.Client(token);

        var response = await client.DeleteAsync($"/feed/post/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Deleted post.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/feed/post/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/" + created.GetProperty("imageUrl").GetString())).StatusCode);
        Assert.Empty(app.StoredImages());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/feed/posts")).GetProperty("totalItems").GetInt32());
    }

    public static TheoryData<string, string> FeedRoutes => new()
    {
        { "GET", "/feed/posts" },
        { "GET", "/feed/post/1" },
        { "POST", "/feed/post" },
        { "PUT", "/feed/post/1" },
        { "DELETE", "/feed/post/1" },
    };

    [Theory]
    [MemberData(nameof(FeedRoutes))]
    public async Task Every_feed_route_without_a_token_is_401(string method, string path)
    {
        await using var app = await PostsSyncServer.StartAsync();
        using var client = app.Client();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not authenticated.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("garbage", "Not authenticated: the token is invalid.")]
    [InlineData("foreign", "Not authenticated: the token is invalid.")]
    [InlineData("tampered", "Not authenticated: the token is invalid.")]
    [InlineData("expired", "Not authenticated: the token has expired.")]
    public async Task A_bad_token_is_401_not_500(string kind, string message)
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (userId, good) = await app.SignUpAndLogInAsync("Kim");
        var token = kind switch
        {
            "garbage" => "not.a.token",
            "foreign" => Forge(userId, "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz", DateTime.UtcNow.AddHours(1)),
            "tampered" => Tamper(good),
            "expired" => Forge(userId, PostsSyncServer.JwtSecret, DateTime.UtcNow.AddMinutes(-5)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var client = app.Client(token);

        var response = await client.GetAsync("/feed/posts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        using var withGoodToken = app.Client(good);
        Assert.Equal(HttpStatusCode.OK, (await withGoodToken.GetAsync("/feed/posts")).StatusCode);
    }

    /// <summary>A token shaped like the app's (issuer, userId claim), signed with <paramref name="secret"/>.</summary>
    internal static string Forge(int userId, string secret, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "PostsSync",
        Claims = new Dictionary<string, object> { ["userId"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        IssuedAt = expires.AddHours(-1),
        NotBefore = expires.AddHours(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>The same token claiming to be user 999: the signature no longer matches.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]);
        var changed = JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(payload)!
            .Select(kv => kv.Key == "userId" ? new KeyValuePair<string, JsonElement>(kv.Key, JsonSerializer.SerializeToElement("999")) : kv)
            .ToDictionary());
        return $"{parts[0]}.{Base64UrlEncoder.Encode(changed)}.{parts[2]}";
    }
}
