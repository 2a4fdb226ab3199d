using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace DomainAssistant.Browser.Tests;

/// <summary>
/// The chat page against a model whose answer holds markup (<see cref="ScriptedModel.Hostile"/>): the page shows it as
/// text and creates no element from it, so no answer can carry a script into the page (the test fails when the page
/// appends tokens with innerHTML).
/// </summary>
public sealed class HostileAnswerPageTests(HostileAnswerPageTests.Host host) : IClassFixture<HostileAnswerPageTests.Host>
{
    /// <summary>A browser host serving the hostile model.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public BrowserHost Browser { get; } = new(AssistantHost.Serving(ScriptedModel.Hostile));

        public Task InitializeAsync() => Task.CompletedTask;

        public Task DisposeAsync() => Browser.DisposeAsync();
    }

    [ChromiumFact]
    public async Task Markup_in_an_answer_is_shown_as_text_and_never_runs()
    {
        var errors = new List<string>();
        var page = await host.Browser.NewPageAsync(errors);
        await page.GotoAsync("/");

        await page.GetByLabel("Your question").FillAsync("When is my bin collected?");
        await page.GetByLabel("Your question").PressAsync("Enter");
        var answer = page.Locator("article.assistant").Last;
        await Expect(answer).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = 30_000 });

        await Expect(answer.Locator(".text")).ToHaveTextAsync(ScriptedModel.HostileAnswer);
        Assert.Equal(0, await answer.Locator("i").CountAsync());
        await Expect(answer.Locator(".citations li")).ToHaveCountAsync(1);
        Assert.Empty(errors);
    }
}
