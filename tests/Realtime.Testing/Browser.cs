using Xunit;
using Microsoft.Playwright;

namespace Realtime.Testing;

/// <summary>
/// One headless Chromium per test class (an xunit class fixture), driven by Playwright. Playwright cannot download
/// its own browsers here, so it drives Debian's <c>/usr/bin/chromium</c> (or <c>CHROMIUM_PATH</c>).
/// Use a new context per simulated person: <see cref="NewPersonAsync"/>. Actions, navigations and web-first
/// assertions (<c>Expect(...)</c>) all wait up to <see cref="Wait.DefaultTimeout"/>, not Playwright's 5 s for
/// assertions: a loaded CI machine can take longer, and a passing wait returns as soon as it is met.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {path}. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH. " +
                "The README's test command installs it when it can.");
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                    "--no-first-run", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (its own cookies and storage) with one page, whose console is recorded.</summary>
    public async Task<Person> NewPersonAsync(string name)
    {
        var context = await Browser.NewContextAsync(new() { Locale = "ko-KR" });
        context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var person = new Person(name, context, page);
        page.Console += (_, message) => person.Console.Add($"[{message.Type}] {message.Text}");
        page.PageError += (_, error) => person.Console.Add($"[pageerror] {error}");
        return person;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>Someone at a browser: their own context, one page, and what their console printed.</summary>
public sealed class Person(string name, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public string Name { get; } = name;
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;
    public Transcript Console { get; } = new();

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
