using DomainAssistant.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DomainAssistant.Browser.Tests.Support;

/// <summary>
/// The real host on Kestrel at a free 127.0.0.1 port (the browser needs a socket), over the api tests'
/// <see cref="AssistantHost"/> (fresh data folder, fernbrook-recycling, scripted model, keys), and Debian's Chromium
/// driven by Playwright. Started lazily, so a skipped test starts nothing.
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    /// <summary>The arguments Debian's Chromium needs here (docs/build.md, "The test command").</summary>
    static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    IPlaywright? _playwright;
    IBrowser? _browser;

    /// <summary>The host with the api tests' default settings (the scripted model).</summary>
    public BrowserHost()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>The host with <paramref name="settings"/> over the defaults (e.g. another scripted model); one public constructor is what xunit's fixtures allow.</summary>
    internal BrowserHost(IReadOnlyDictionary<string, string?> settings) =>
        Assistant = new(new Dictionary<string, string?>(settings) { ["urls"] = "http://127.0.0.1:0" });

    public AssistantHost Assistant { get; }

    /// <summary>Where the host listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => Assistant.Services;

    /// <summary>Starts the host (waiting until /health is 200) and the browser, once.</summary>
    public async Task StartAsync()
    {
        if (_browser is not null) return;
        Assistant.UseKestrel();
        Assistant.StartServer();
        var addresses = Assistant.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        (await Assistant.ReadyClientAsync()).Dispose();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true, Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh page (its own storage) on the host, with console errors collected into <paramref name="errors"/>.</summary>
    public async Task<IPage> NewPageAsync(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        await StartAsync();
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString(), ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        return page;
    }

    /// <summary>Saves what the viewport shows under artifacts/screenshots/ for people to look at.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = Path.Combine(RepositoryFiles.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"browser-{name}.png"), FullPage = false });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await Assistant.DisposeAsync();
    }
}
