using System.Text;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Browser.Tests.Support;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DomainAssistant.Browser.Tests;

/// <summary>The upload page in Chromium against the real host: a domain team uploads a corpus and watches it get indexed.</summary>
public sealed class UploadPageTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    static readonly FilePayload Guide = new()
    {
        Name = "depot-guide.md", MimeType = "text/markdown",
        Buffer = Encoding.UTF8.GetBytes("# Kestrel Street depot\nThe Kestrel Street depot lends compost bins for a deposit of 12 pounds.\n"),
    };

    static readonly FilePayload Pairs = new()
    {
        Name = "depot-pairs.jsonl", MimeType = "application/jsonl",
        Buffer = Encoding.UTF8.GetBytes("{\"question\": \"Where can I borrow a compost bin?\", \"answer\": \"At the Kestrel Street depot.\"}\n"),
    };

    [ChromiumFact]
    public async Task A_domain_team_uploads_a_corpus_and_sees_its_job_succeed()
    {
        var errors = new List<string>();
        var page = await host.NewPageAsync(errors);
        await page.GotoAsync("/upload.html");
        await Expect(page.GetByLabel("Domain")).ToHaveValueAsync(AssistantHost.Domain);
        await page.GetByLabel("Files", new() { Exact = true }).SetInputFilesAsync([Guide, Pairs]);

        // A key without the domain-team role is turned away, and nothing is stored.
        await page.GetByLabel("API key").FillAsync(AssistantHost.UserKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("domain-team role");
        Assert.Null(host.Services.GetRequiredService<CorpusVersions>().Latest(AssistantHost.Domain));

        await page.GetByLabel("API key").FillAsync(AssistantHost.TeamKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(page.Locator("#result-title")).ToHaveTextAsync($"Version 1 of {AssistantHost.Domain} stored");
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeEmptyAsync();
        await Expect(page.Locator("#job-status")).ToContainTextAsync("Done:", new() { Timeout = 30_000 });
        await Expect(page.Locator("#progress")).ToHaveJSPropertyAsync("value", 1);
        await Expect(page.Locator("#files-table tr")).ToHaveCountAsync(2);
        await BrowserHost.ScreenshotAsync(page, "upload");

        var version = host.Services.GetRequiredService<CorpusVersions>().Latest(AssistantHost.Domain)!;
        Assert.Equal(["depot-guide.md", "depot-pairs.jsonl"], version.Manifest.Files.Select(f => f.Name));
        await Expect(page.Locator("#sft")).ToContainTextAsync(version.SftDataFolder!);
        var documents = await host.Services.GetRequiredService<IChunkCatalog>().ListDocumentsAsync(AssistantHost.Domain);
        Assert.Contains(DomainDocuments.UploadedPrefix + Guide.Name, documents);
        Assert.DoesNotContain(errors, e => !e.Contains("403", StringComparison.Ordinal)); // only the refused upload's 403 is logged
    }
}
