using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Evaluation.Answers;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Model.Generation;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Serving;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// A retrieval-augmented answer, one path from the endpoint to the engine: the flag picks the adapter, the domain's
/// retriever finds its chunks, the composer numbers them [1]..[n] under the domain's system prompt and encodes the
/// prompt once, the engine generates from those ids with the adapter and sampling as typed values, and the [n] in the
/// answer become citations. The answer is stored with its lineage (prompt as fed, chunk ids, model, adapter and
/// checksum, variant) before the caller hears it is done; an answer an experiment's variant chose is then recorded as
/// that experiment's exposure. Semantic Kernel and Microsoft.Extensions.AI are what we offer clients
/// (<see cref="LocalChatClient"/>, <see cref="RetrievalPlugin"/>), not stages of this path.
/// </summary>
public sealed class ChatPipeline(ModelHost models, CorpusIndex index, IRetriever retriever, AdapterSelector adapters, IConversationStore conversations,
    ExperimentRecorder experiments, ModelOptions modelOptions, TimeProvider clock)
{
    /// <summary>Chooses the adapter, retrieves, composes and encodes the prompt; nothing is generated or stored yet.</summary>
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
        var retrieved = await retriever.RetrieveAsync(turn.Question, turn.Domain.Name, turn.Domain.Defaults.TopK, cancellationToken);
        var prompt = PromptComposer.Compose(turn.Domain.SystemPrompt, turn.ExtraInstructions, turn.History, turn.Question, retrieved,
            model.Pretrained.Tokenizer, model.ContextLength, turn.Sampling.MaxTokens ?? turn.Domain.Defaults.MaxTokens);
        return new PreparedTurn(turn, model, prompt, choice, Sampling(turn, prompt)) { StartedAt = started };
    }

    /// <summary>Streams the answer's pieces, then stores it and yields it once as <see cref="TurnEvent.Done"/>.</summary>
    public async IAsyncEnumerable<TurnEvent> AnswerAsync(PreparedTurn prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var generator = prepared.Model.Generator;
        var request = generator.PrepareChat(prepared.Prompt.Tokens, prepared.Sampling, prepared.Adapter.Adapter);
        var answer = new StringBuilder();
        var generated = new List<int>();
        var finish = FinishReason.Stop;
        await using var updates = generator.StreamAsync(request, generated, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            TextUpdate update;
            try
            {
                if (!await updates.MoveNextAsync()) break;
                update = updates.Current;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // An answer that breaks off is never stored, but it is what the error-rate guardrail watches for.
                if (prepared.Adapter is { ExperimentId: { } failedIn, Variant: { } failedVariant })
                    await experiments.FailedAsync(failedIn, prepared.Turn.UserId, failedVariant, Stopwatch.GetElapsedTime(prepared.StartedAt), CancellationToken.None);
                throw;
            }
            if (update.Finish is { } reason) finish = reason;
            if (string.IsNullOrEmpty(update.Text)) continue;
            answer.Append(update.Text);
            yield return new TurnEvent(update.Text, null);
        }
        var text = answer.ToString();
        var citations = AnswerCitations.Of(prepared.Prompt.Context, text);
        var message = new AssistantMessage
        {
            Id = Guid.NewGuid(), ConversationId = prepared.Turn.Conversation.Id, Domain = prepared.Turn.Domain.Name, Content = text,
            Prompt = prepared.Prompt.Text, RetrievedChunkIds = [.. prepared.Prompt.Context.Chunks.Select(c => c.Id)],
            Citations = citations.Cited,
            Model = prepared.Model.Name, Adapter = prepared.Adapter.Adapter, AdapterChecksum = prepared.Adapter.Checksum,
            Variant = prepared.Adapter.Variant, FinishReason = finish == FinishReason.Stop ? "stop" : "length",
            CreatedAt = clock.GetUtcNow(),
        };
        // The answer was generated in full: store it even if the client has just gone away.
        await conversations.AddAssistantMessageAsync(message, CancellationToken.None);
        if (prepared.Adapter is { ExperimentId: { } experiment, Variant: { } variant })
            await experiments.ExposedAsync(experiment, message.Id, prepared.Turn.UserId, variant, Stopwatch.GetElapsedTime(prepared.StartedAt),
                Declines.IsDecline(text, prepared.Turn.Domain.Decline), CancellationToken.None);
        yield return new TurnEvent(null, new AnsweredTurn(message, citations, prepared.Prompt.PromptTokens, generated.Count));
    }

    /// <summary>The domain's defaults under the client's overrides, the answer room the composer left, the host's copy bias.</summary>
    SamplingOptions Sampling(ChatTurn turn, ComposedPrompt prompt)
    {
        var overrides = turn.Sampling;
        var sampling = new SamplingOptions
        {
            Temperature = overrides.Temperature ?? turn.Domain.Defaults.Temperature,
            MaxTokens = prompt.MaxTokens,
            Seed = overrides.Seed,
            StopStrings = overrides.Stop is { Count: > 0 } stop ? [.. stop] : [],
            CopyBias = modelOptions.CopyBias,
        };
        return overrides.TopP is { } topP ? sampling with { TopP = topP } : sampling;
    }

    static void EnsureReady(Warmup warmup)
    {
        if (warmup.State == WarmupState.Failed) throw NotReadyException.Failed(warmup.Name, warmup.Detail);
        if (warmup.State != WarmupState.Ready) throw NotReadyException.Warming(warmup.Name, warmup.Detail);
    }
}
