using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DomainAssistant.Browser.Tests;

/// <summary>
/// The chat page against a model that emits a byte which never forms a character and cites a chunk [9] the prompt
/// did not have (<see cref="ScriptedModel.Flawed"/>): the page shows clean text at every step and says that the
/// answer cites no source.
/// </summary>
public sealed class FlawedAnswerPageTests(FlawedAnswerPageTests.Host host) : IClassFixture<FlawedAnswerPageTests.Host>
{
    /// <summary>A browser host serving the flawed model.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public BrowserHost Browser { get; } = new(AssistantHost.Serving(ScriptedModel.Flawed));

        public Task InitializeAsync() => Task.CompletedTask;

        public Task DisposeAsync() => Browser.DisposeAsync();
    }

    [ChromiumFact]
    public async Task The_answer_streams_without_broken_characters_and_says_it_cites_no_source()
    {
        var errors = new List<string>();
        var page = await host.Browser.NewPageAsync(errors);
        await page.GotoAsync("/");
        await page.EvaluateAsync("""
            () => {
              window.sawReplacement = false;
              new MutationObserver(() => {
                if (document.getElementById('log').textContent.includes('\uFFFD')) window.sawReplacement = true;
              }).observe(document.getElementById('log'), { childList: true, subtree: true, characterData: true });
            }
            """);

        await page.GetByLabel("Your question").FillAsync("When is my bin collected?");
        await page.GetByLabel("Your question").PressAsync("Enter");
        var answer = page.Locator("article.assistant").Last;
        await Expect(answer).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = 30_000 });

        await Expect(answer.Locator(".text")).ToHaveTextAsync(ScriptedModel.FlawedAnswer);
        Assert.False(await page.EvaluateAsync<bool>("() => window.sawReplacement"), "the page showed U+FFFD while the answer streamed");
        await Expect(answer.Locator(".citations li")).ToHaveCountAsync(0);
        await Expect(answer.Locator(".sources-note")).ToContainTextAsync("cites none of the documents");
        await Expect(answer.Locator(".sources-note")).ToContainTextAsync("One citation number in the answer names no source");
        await BrowserHost.ScreenshotAsync(page, "chat-uncited");
        Assert.Empty(errors);
    }
}
