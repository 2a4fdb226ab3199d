using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Api.Serving;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Tests.Grounding;

/// <summary>
/// Specifies that grounded training data and chat share one prompt path: for the same question, the prompt the
/// grounded data builder composes with the host's own retriever, chunk catalog, served tokenizer and context length is
/// the very prompt the host fed the model (as it stored it with the answer), with the same chunks in the same order,
/// and it is the prompt the SFT encoder sees before the answer.
/// </summary>
public sealed class OnePromptPathTests
{
    [Fact]
    public async Task The_grounded_data_builder_composes_exactly_the_prompt_the_host_fed_the_model()
    {
        // A context short enough that the composer has to leave chunks out: the fit is part of the path.
        using var host = new AssistantHost(new Dictionary<string, string?> { ["Model:ContextLength"] = "700" });
        var client = await host.ReadyClientAsync();
        var model = host.Services.GetRequiredService<ModelHost>().Current!;
        var domain = host.Services.GetRequiredService<DomainCatalog>().Find(AssistantHost.Domain)!;
        var builder = new GroundedExampleBuilder(host.Services.GetRequiredService<IRetriever>(), host.Services.GetRequiredService<IChunkCatalog>(),
            model.Pretrained.Tokenizer, model.ContextLength, new GroundedDataOptions());
        var conversations = host.Services.GetRequiredService<IConversationStore>();

        foreach (var question in new[] { "When is the blue bin collected?", "Can I take an old fridge to the Millbrook Lane Recycling Centre?" })
        {
            var (_, done, _) = await client.ChatAsync(question);
            var fed = (await conversations.FindAssistantMessageAsync(done.GetProperty("messageId").GetGuid()))!;

            var example = await builder.ComposeAsync(domain, question, ScriptedModel.Answer, _ => 0, removeSource: false, GroundedExampleKind.QaPair,
                CancellationToken.None);

            Assert.Equal(fed.Prompt, example.Prompt.Text);
            Assert.Equal(fed.RetrievedChunkIds, example.Prompt.Context.Chunks.Select(c => c.Id));
            Assert.InRange(fed.RetrievedChunkIds.Count, 1, domain.Defaults.TopK - 1); // some chunks fit, not all
            Assert.Equal(fed.Prompt, model.Pretrained.Tokenizer.ChatTemplate.Render([.. example.Messages.SkipLast(1)], addGenerationPrompt: true));
        }
    }
}
