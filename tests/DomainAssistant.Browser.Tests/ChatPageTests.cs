using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Browser.Tests.Support;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Retrieval.Lexical;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Browser.Tests;

/// <summary>The chat page in Chromium against the real host: a streamed answer, its citation's link and preview opened, a thumbs down with a reason.</summary>
public sealed class ChatPageTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    const string Reason = "It did not say which bin.";

    [ChromiumFact]
    public async Task A_question_streams_an_answer_whose_citation_opens_and_a_thumbs_down_is_stored_with_its_lineage()
    {
        var errors = new List<string>();
        var page = await host.NewPageAsync(errors);
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("Domain")).ToHaveValueAsync(AssistantHost.Domain);
        await RecordAnswerTextsAsync(page);

        await page.GetByLabel("Your question").FillAsync("When is my bin collected?");
        await page.GetByLabel("Your question").PressAsync("Enter");
        var answer = page.Locator("article.assistant").Last;
        await Expect(answer).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = 30_000 });
        await Expect(answer.Locator(".text")).ToHaveTextAsync(ScriptedModel.Answer);
        // Streamed: the page showed the answer growing piece by piece before it was complete.
        var seen = await page.EvaluateAsync<string[]>("() => window.answerTexts");
        Assert.True(seen.Length >= 3 && seen[^1] == ScriptedModel.Answer && seen.Take(seen.Length - 1).All(t => ScriptedModel.Answer.StartsWith(t, StringComparison.Ordinal)),
            $"answer texts seen: {JsonSerializer.Serialize(seen)}");

        var messageId = Guid.Parse((await answer.GetAttributeAsync("data-message-id"))!);
        var stored = await host.Services.GetRequiredService<IConversationStore>().FindAssistantMessageAsync(messageId, default);
        var cited = Assert.Single(stored!.Citations);
        var chunk = (await host.Services.GetRequiredService<IChunkCatalog>().GetChunksAsync([cited.ChunkId]))[cited.ChunkId];
        var citation = answer.Locator(".citations li").First;
        await Expect(answer.Locator(".citations li")).ToHaveCountAsync(1);
        await Expect(citation.Locator(".cite-line")).ToContainTextAsync($"[1] {chunk.Title}");
        await Expect(answer.Locator(".sources-note")).ToBeEmptyAsync();
        // The title links to the passage on a page of its own, opened beside the conversation.
        var source = await page.RunAndWaitForPopupAsync(() => citation.GetByRole(AriaRole.Link, new() { Name = chunk.Title }).ClickAsync());
        await Expect(source.Locator("h1")).ToHaveTextAsync(chunk.Title);
        await Expect(source.Locator("#source-text")).ToHaveTextAsync(chunk.Text);
        await Expect(source.Locator("#source-where")).ToContainTextAsync(chunk.SourcePath);
        await BrowserHost.ScreenshotAsync(source, "source");
        await source.CloseAsync();
        await citation.Locator("summary").ClickAsync();
        await Expect(citation.Locator(".chunk-text")).ToHaveTextAsync(chunk.Text);
        await Expect(citation.Locator(".chunk-heading")).ToContainTextAsync(chunk.SourcePath);

        await answer.GetByRole(AriaRole.Button, new() { Name = "Not helpful" }).ClickAsync();
        await Expect(answer.GetByRole(AriaRole.Button, new() { Name = "Not helpful" })).ToHaveAttributeAsync("aria-pressed", "true");
        await answer.GetByLabel("Why? (optional)").FillAsync(Reason);
        await BrowserHost.ScreenshotAsync(page, "chat-feedback");
        var posted = await page.RunAndWaitForResponseAsync(
            () => answer.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync(), r => r.Url.EndsWith("/api/feedback", StringComparison.Ordinal));
        Assert.Equal(202, posted.Status);
        await Expect(answer.Locator(".feedback-status")).ToContainTextAsync("recorded");
        await BrowserHost.ScreenshotAsync(page, "chat");

        var feedbackId = (await posted.JsonAsync())!.Value.GetProperty("feedbackId").GetGuid();
        var feedback = (await host.Services.GetRequiredService<IFeedbackStore>().FindAsync(feedbackId))!.Feedback;
        Assert.Equal((messageId, "down", Reason), (feedback.MessageId, feedback.Rating, feedback.Reason));
        Assert.Equal((stored.Prompt, stored.Content), (feedback.Prompt, feedback.Response));
        Assert.Equal(stored.RetrievedChunkIds, feedback.RetrievedChunkIds);
        Assert.Contains(cited.ChunkId, feedback.RetrievedChunkIds);
        Assert.Equal(("scripted", "sft", stored.AdapterChecksum, "current", AssistantHost.Domain), (feedback.Model, feedback.Adapter, feedback.AdapterChecksum, feedback.Variant, feedback.Domain));
        Assert.Matches("^[0-9a-f]{64}$", feedback.AdapterChecksum);
        Assert.Empty(errors);
    }

    [ChromiumFact]
    public async Task A_second_question_continues_the_same_conversation()
    {
        var errors = new List<string>();
        var page = await host.NewPageAsync(errors);
        await page.GotoAsync("/");
        foreach (var question in new[] { "Where do batteries go?", "And old paint?" })
        {
            await page.GetByLabel("Your question").FillAsync(question);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(page.Locator("article.assistant[aria-busy=false] .feedback")).ToHaveCountAsync(question.StartsWith("And", StringComparison.Ordinal) ? 2 : 1, new() { Timeout = 30_000 });
        }
        var ids = await page.Locator("article.assistant").EvaluateAllAsync<string[]>("articles => articles.map(a => a.dataset.messageId)");
        var store = host.Services.GetRequiredService<IConversationStore>();
        var first = await store.FindAssistantMessageAsync(Guid.Parse(ids[0]), default);
        var second = await store.FindAssistantMessageAsync(Guid.Parse(ids[1]), default);
        Assert.Equal(first!.ConversationId, second!.ConversationId);
        Assert.Equal(4, (await store.ReadMessagesAsync(first.ConversationId, default)).Count);
        Assert.Empty(errors);
    }

    /// <summary>Records every text the newest answer shows, as it changes, into window.answerTexts.</summary>
    static Task<JsonElement?> RecordAnswerTextsAsync(IPage page) => page.EvaluateAsync("""
        () => {
          window.answerTexts = [];
          new MutationObserver(() => {
            const text = [...document.querySelectorAll('article.assistant .text')].at(-1)?.textContent ?? '';
            if (text && text !== window.answerTexts.at(-1)) window.answerTexts.push(text);
          }).observe(document.getElementById('log'), { childList: true, subtree: true, characterData: true });
        }
        """);
}
