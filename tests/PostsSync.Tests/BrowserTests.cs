using Microsoft.Playwright;
using Realtime.Testing;
using static Microsoft.Playwright.Assertions;

namespace PostsSync.Tests;

/// <summary>
/// Two people at two browser windows. Kim signs up, logs in and creates, edits and deletes a post through the page;
/// Lee, logged in and looking at page 1, sees each change arrive without reloading.
/// </summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly string _imageFolder = Path.Combine(Path.GetTempPath(), "posts-sync-browser", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_imageFolder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_imageFolder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_second_window_sees_every_change_without_reloading()
    {
        await using var app = await PostsSyncServer.StartAsync();
        // Two older posts by someone else: Lee's page 1 is full before Kim writes.
        var (_, ann) = await app.SignUpAndLogInAsync("Ann");
        await app.CreatePostAsync(ann, "Older post one");
        await app.CreatePostAsync(ann, "Older post two");
        var photo = WriteImage("photo.png");
        var second = WriteImage("second photo.png");

        await using var kim = await browser.NewPersonAsync("Kim");
        await using var lee = await browser.NewPersonAsync("Lee");
        await SignUpAndLogInAsync(app, kim, "kim@example.com", "Kim");
        await SignUpAndLogInAsync(app, lee, "lee@example.com", "Lee");
        await Expect(Titles(lee)).ToHaveTextAsync(["Older post two", "Older post one"]);
        // Mark Lee's window: the mark survives only if the page is never reloaded.
        await lee.Page.EvaluateAsync("window.__notReloaded = true");

        // Kim creates a post with an image: it appears first on Lee's page 1, and the oldest drops off.
        await kim.Page.ClickAsync("#new-post");
        await kim.Page.FillAsync("#post-title", "Hello from Kim");
        await kim.Page.FillAsync("#post-content", "My first post, with a photo.");
        await kim.Page.SetInputFilesAsync("#post-image", photo);
        await kim.Page.ClickAsync("#editor-save");
        await Expect(Titles(kim)).ToHaveTextAsync(["Hello from Kim", "Older post two"]);
        await Expect(Titles(lee)).ToHaveTextAsync(["Hello from Kim", "Older post two"]);
        await Expect(lee.Page.Locator("#page-info")).ToHaveTextAsync("Page 1 of 2");
        var leesPost = lee.Page.Locator("article.post").First;
        await Expect(leesPost.Locator(".meta")).ToContainTextAsync("Posted by Kim");
        await Expect(leesPost.Locator(".content")).ToHaveTextAsync("My first post, with a photo.");
        await lee.Page.WaitForFunctionAsync("() => { const img = document.querySelector('article.post .image'); return img && img.complete && img.naturalWidth === 1; }");
        // Only the creator gets the buttons (the server would answer 403 anyway).
        await Expect(leesPost.Locator(".edit")).ToBeHiddenAsync();
        await Expect(kim.Page.Locator("article.post").First.Locator(".edit")).ToBeVisibleAsync();

        // Kim edits it, with a new image: Lee's copy is replaced in place.
        var firstImage = await leesPost.Locator(".image").GetAttributeAsync("src");
        await kim.Page.Locator("article.post").First.Locator(".edit").ClickAsync();
        await Expect(kim.Page.Locator("#post-title")).ToHaveValueAsync("Hello from Kim");
        await kim.Page.FillAsync("#post-title", "Hello again from Kim");
        await kim.Page.SetInputFilesAsync("#post-image", second);
        await kim.Page.ClickAsync("#editor-save");
        await Expect(Titles(lee)).ToHaveTextAsync(["Hello again from Kim", "Older post two"]);
        await Expect(leesPost.Locator(".image")).Not.ToHaveAttributeAsync("src", firstImage!);
        Assert.Equal(3, app.StoredImages().Length);                          // Ann's two and Kim's new one: the replaced file is gone

        // A mistake shows the server's message, and nothing reaches Lee.
        await kim.Page.Locator("article.post").First.Locator(".edit").ClickAsync();
        await kim.Page.FillAsync("#post-title", "Hi");
        await kim.Page.EvaluateAsync("document.getElementById('post-title').removeAttribute('minlength')");
        await kim.Page.ClickAsync("#editor-save");
        await Expect(kim.Page.Locator("#editor-error")).ToContainTextAsync("Validation failed, entered data is incorrect.");
        await Expect(kim.Page.Locator("#editor-error")).ToContainTextAsync("title: The title must be at least 5 characters long.");
        await kim.Page.ClickAsync("#editor-cancel");

        // Kim deletes it: Lee's page reloads its posts from the server (the older one comes back).
        await kim.Page.Locator("article.post").First.Locator(".delete").ClickAsync();
        await Expect(Titles(kim)).ToHaveTextAsync(["Older post two", "Older post one"]);
        await Expect(Titles(lee)).ToHaveTextAsync(["Older post two", "Older post one"]);
        await Expect(lee.Page.Locator("#page-info")).ToHaveTextAsync("Page 1 of 1");

        Assert.True(await lee.Page.EvaluateAsync<bool>("window.__notReloaded === true"), "Lee's page was reloaded");
        // Each page's connection handler logs after its CONNECT was sent (as in Node): wait for both lines, then count.
        await app.Log.WaitForText("Client connected", count: 2);
        Assert.Equal(2, app.Log.Count(l => l.Contains("Client connected", StringComparison.Ordinal)));
        Assert.Equal(2, app.StoredImages().Length);                            // Ann's two, Kim's deleted with the post
        foreach (var person in new[] { kim, lee })
        {
            // The only console error is the browser reporting the deliberate 422.
            Assert.All(person.Console.Lines.Where(l => l.StartsWith("[error]", StringComparison.Ordinal) || l.StartsWith("[pageerror]", StringComparison.Ordinal)),
                l => Assert.Contains("status of 422", l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Paging_status_and_a_wrong_login_work_in_one_window()
    {
        await using var app = await PostsSyncServer.StartAsync();
        var (_, ann) = await app.SignUpAndLogInAsync("Ann");
        foreach (var title in new[] { "Post number 1", "Post number 2", "Post number 3" })
        {
            await app.CreatePostAsync(ann, title);
        }
        await using var kim = await browser.NewPersonAsync("Kim");
        await kim.Page.GotoAsync(app.BaseAddress.ToString());

        // A wrong login shows the server's message.
        await kim.Page.FillAsync("#login-email", "nobody@example.com");
        await kim.Page.FillAsync("#login-password", "secret1");
        await kim.Page.ClickAsync("#login-form button[type=submit]");
        await Expect(kim.Page.Locator("#error")).ToHaveTextAsync("Wrong email or password.");

        await SignUpAndLogInAsync(app, kim, "kim@example.com", "Kim");
        await Expect(Titles(kim)).ToHaveTextAsync(["Post number 3", "Post number 2"]);
        await Expect(kim.Page.Locator("#prev")).ToBeDisabledAsync();
        await kim.Page.ClickAsync("#next");
        await Expect(Titles(kim)).ToHaveTextAsync(["Post number 1"]);
        await Expect(kim.Page.Locator("#page-info")).ToHaveTextAsync("Page 2 of 2");
        await Expect(kim.Page.Locator("#next")).ToBeDisabledAsync();
        await kim.Page.ClickAsync("#prev");
        await Expect(Titles(kim)).ToHaveTextAsync(["Post number 3", "Post number 2"]);

        // View one post (GET /feed/post/{id}).
        await kim.Page.Locator("article.post").First.Locator(".view").ClickAsync();
        await Expect(kim.Page.Locator("#viewer-title")).ToHaveTextAsync("Post number 3");
        await Expect(kim.Page.Locator("#viewer-meta")).ToContainTextAsync("Created by Ann");
        await kim.Page.ClickAsync("#viewer-close");

        // Status: shown, changed, and still changed after a reload (the token stays in localStorage).
        await Expect(kim.Page.Locator("#status-input")).ToHaveValueAsync("I am new!");
        await kim.Page.FillAsync("#status-input", "Reading the feed");
        await kim.Page.ClickAsync("#status-form button[type=submit]");
        await Expect(kim.Page.Locator("#notice")).ToHaveTextAsync("User updated.");
        await kim.Page.ReloadAsync();
        await Expect(kim.Page.Locator("#status-input")).ToHaveValueAsync("Reading the feed");
        await Expect(Titles(kim)).ToHaveCountAsync(2);

        // Text is text: markup in a title is shown, not run.
        await kim.Page.ClickAsync("#new-post");
        await kim.Page.FillAsync("#post-title", "<img src=x onerror=alert(1)>");
        await kim.Page.FillAsync("#post-content", "<b>not bold</b>");
        await kim.Page.SetInputFilesAsync("#post-image", WriteImage("photo.png"));
        await kim.Page.ClickAsync("#editor-save");
        await Expect(Titles(kim).First).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await Expect(kim.Page.Locator("article.post .content").First).ToHaveTextAsync("<b>not bold</b>");
        Assert.Equal(0, await kim.Page.Locator("article.post .title img, article.post .content b").CountAsync());

        // Logging out shows the forms again.
        await kim.Page.ClickAsync("#logout");
        await Expect(kim.Page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(kim.Page.Locator("#feed")).ToBeHiddenAsync();
    }

    private static ILocator Titles(Person person) => person.Page.Locator("article.post .title");

    private static async Task SignUpAndLogInAsync(PostsSyncServer app, Person person, string email, string name)
    {
        var page = person.Page;
        if (!page.Url.StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal))
        {
            await page.GotoAsync(app.BaseAddress.ToString());
        }
        await page.FillAsync("#signup-email", email);
        await page.FillAsync("#signup-name", name);
        await page.FillAsync("#signup-password", "secret1");
        await page.ClickAsync("#signup-form button[type=submit]");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("User created! You can log in now.");
        await Expect(page.Locator("#login-email")).ToHaveValueAsync(email);
        await page.FillAsync("#login-password", "secret1");
        await page.ClickAsync("#login-form button[type=submit]");
        await Expect(page.Locator("#feed")).ToBeVisibleAsync();
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");
    }

    private string WriteImage(string name)
    {
        var path = Path.Combine(_imageFolder, name);
        File.WriteAllBytes(path, TestImages.Png);
        return path;
    }
}
