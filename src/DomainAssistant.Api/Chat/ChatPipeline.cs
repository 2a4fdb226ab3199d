using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DomainAssistant.Api.Conversations;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Api.Models;
using DomainAssistant.Evaluation.Answers;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// A retrieval-augmented answer, composed in Semantic Kernel: the flag picks the adapter, the kernel's retrieval
/// plugin finds the domain's chunks, the prompt numbers them [1]..[n] under the domain's system prompt, the kernel's
/// chat service (the local model) streams the answer, and the [n] in it become citations. The answer is stored with
/// its lineage (prompt as fed, chunk ids, model, adapter and checksum, variant) before the caller hears it is done;
/// an answer an experiment's variant chose is then recorded as that experiment's exposure.
/// </summary>
public sealed class ChatPipeline(Kernel kernel, ModelHost models, CorpusIndex index, AdapterSelector adapters, IConversationStore conversations, ExperimentRecorder experiments, TimeProvider clock)
{
    /// <summary>Chooses the adapter, retrieves and composes the prompt; nothing is generated or stored yet.</summary>
    /// <exception cref="NotReadyException">The model or the index is not ready (or failed to start).</exception>
    /// <exception cref="PromptTooLongException">The question alone does not fit the context.</exception>
    public async Task<PreparedTurn> PrepareAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        EnsureReady(models.Warmup);
        EnsureReady(index.Warmup);
        var model = models.Current!;
        var started = Stopwatch.GetTimestamp();
        var choice = await adapters.ChooseAsync(turn.UserId, turn.Domain.Name, model, cancellationToken);
        var retrieved = await kernel.InvokeAsync<IReadOnlyList<RetrievedChunk>>(RetrievalPlugin.PluginName, RetrievalPlugin.SearchFunction,
            new KernelArguments { ["question"] = turn.Question, ["domain"] = turn.Domain.Name, ["count"] = turn.Domain.Defaults.TopK },
            cancellationToken) ?? [];
        var prompt = PromptComposer.Compose(turn.Domain.SystemPrompt, turn.ExtraInstructions, turn.History, turn.Question, retrieved,
            model.Pretrained.Tokenizer, model.ContextLength, turn.Sampling.MaxTokens ?? turn.Domain.Defaults.MaxTokens);
        return new PreparedTurn(turn, model.Name, prompt, choice) { StartedAt = started };
    }

    /// <summary>Streams the answer's pieces, then stores it and yields it once as <see cref="TurnEvent.Done"/>.</summary>
    public async IAsyncEnumerable<TurnEvent> AnswerAsync(PreparedTurn prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var answer = new StringBuilder();
        IReadOnlyDictionary<string, object?>? final = null;
        await foreach (var piece in chat.GetStreamingChatMessageContentsAsync(History(prepared.Prompt), Settings(prepared), kernel, cancellationToken))
        {
            if (piece.Metadata?.ContainsKey(LocalChatClient.FinishReasonProperty) is true) final = piece.Metadata;
            if (string.IsNullOrEmpty(piece.Content)) continue;
            answer.Append(piece.Content);
            yield return new TurnEvent(piece.Content, null);
        }
        var text = answer.ToString();
        var citations = AnswerCitations.Of(prepared.Prompt.Context, text);
        var message = new AssistantMessage
        {
            Id = Guid.NewGuid(), ConversationId = prepared.Turn.Conversation.Id, Domain = prepared.Turn.Domain.Name, Content = text,
            Prompt = prepared.Prompt.Text, RetrievedChunkIds = [.. prepared.Prompt.Context.Chunks.Select(c => c.Id)],
            Citations = citations.Cited,
            Model = prepared.ModelName, Adapter = prepared.Adapter.Adapter, AdapterChecksum = prepared.Adapter.Checksum,
            Variant = prepared.Adapter.Variant, FinishReason = final?[LocalChatClient.FinishReasonProperty]?.ToString() ?? "stop",
            CreatedAt = clock.GetUtcNow(),
        };
        // The answer was generated in full: store it even if the client has just gone away.
        await conversations.AddAssistantMessageAsync(message, CancellationToken.None);
        if (prepared.Adapter is { ExperimentId: { } experiment, Variant: { } variant })
            await experiments.ExposedAsync(experiment, message.Id, prepared.Turn.UserId, variant, Stopwatch.GetElapsedTime(prepared.StartedAt),
                Declines.IsDecline(text, prepared.Turn.Domain.Decline), CancellationToken.None);
        var completion = Count(final, LocalChatClient.CompletionTokensProperty) ?? models.Current?.Pretrained.Tokenizer.Encode(text, addBos: false).Length ?? 0;
        yield return new TurnEvent(null, new AnsweredTurn(message, citations, Count(final, LocalChatClient.PromptTokensProperty) ?? prepared.Prompt.PromptTokens, completion));
    }

    static void EnsureReady(Warmup warmup)
    {
        if (warmup.State == WarmupState.Failed) throw NotReadyException.Failed(warmup.Name, warmup.Detail);
        if (warmup.State != WarmupState.Ready) throw NotReadyException.Warming(warmup.Name, warmup.Detail);
    }

    static ChatHistory History(ComposedPrompt prompt)
    {
        var history = new ChatHistory();
        foreach (var message in prompt.Messages) history.AddMessage(new AuthorRole(message.Role), message.Content);
        return history;
    }

    static PromptExecutionSettings Settings(PreparedTurn prepared)
    {
        var sampling = prepared.Turn.Sampling;
        var settings = new Dictionary<string, object>
        {
            ["temperature"] = sampling.Temperature ?? prepared.Turn.Domain.Defaults.Temperature,
            ["max_tokens"] = prepared.Prompt.MaxTokens,
        };
        if (sampling.TopP is { } topP) settings["top_p"] = topP;
        if (sampling.Seed is { } seed) settings["seed"] = (long)seed;
        if (sampling.Stop is { Count: > 0 } stop) settings["stop_sequences"] = stop.ToList();
        if (prepared.Adapter.Adapter is { } adapter) settings[LocalChatClient.AdapterProperty] = adapter;
        return new PromptExecutionSettings { ExtensionData = settings };
    }

    static int? Count(IReadOnlyDictionary<string, object?>? metadata, string key) =>
        metadata?.TryGetValue(key, out var value) is true && value is not null ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
}
