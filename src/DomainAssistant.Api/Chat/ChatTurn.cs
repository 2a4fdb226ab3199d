using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Domains;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Generation;
using ModelChatMessage = DomainAssistant.Model.Tokenization.ChatMessage;
using DomainAssistant.Api.Serving;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Chat;

/// <summary>One question to answer in a conversation.</summary>
/// <param name="Domain">The domain whose documents and system prompt ground the answer.</param>
/// <param name="Conversation">Where the answer is stored.</param>
/// <param name="History">Earlier turns, oldest first (the composer drops the oldest when the context is full).</param>
/// <param name="Question">What the user asks now.</param>
/// <param name="UserId">Decides the flag variant (sticky per user).</param>
/// <param name="Sampling">Overrides of the domain's generation defaults.</param>
/// <param name="ExtraInstructions">A client's own system instructions, appended after the domain's.</param>
public sealed record ChatTurn(DomainProfile Domain, Conversation Conversation, IReadOnlyList<ModelChatMessage> History, string Question,
    string UserId, SamplingOverrides Sampling, string? ExtraInstructions = null);

/// <summary>What a client may override per request; null keeps the domain default.</summary>
public sealed record SamplingOverrides(float? Temperature = null, float? TopP = null, int? MaxTokens = null, int? Seed = null, IReadOnlyList<string>? Stop = null);

/// <summary>A turn ready to generate: prompt composed and encoded, adapter chosen, sampling settled.</summary>
/// <param name="Turn">The question and its conversation.</param>
/// <param name="Model">The model whose tokenizer encoded the prompt; the same one answers.</param>
/// <param name="Prompt">The composed prompt and its ids, as the engine receives them.</param>
/// <param name="Adapter">The adapter the flag chose, its checksum and variant.</param>
/// <param name="Sampling">The domain's defaults under the client's overrides.</param>
public sealed record PreparedTurn(ChatTurn Turn, LoadedModel Model, ComposedPrompt Prompt, AdapterChoice Adapter, SamplingOptions Sampling)
{
    /// <summary>When preparing began (a <see cref="System.Diagnostics.Stopwatch"/> timestamp): an exposure's latency runs from here to the stored answer.</summary>
    public long StartedAt { get; init; }
}

/// <summary>A streamed piece of the answer, or (with <see cref="Done"/> set) the stored answer.</summary>
public readonly record struct TurnEvent(string? Text, AnsweredTurn? Done);

/// <summary>The stored answer, what it cites (its <see cref="AssistantMessage.Citations"/>, and how many markers were dropped), with token counts.</summary>
public sealed record AnsweredTurn(AssistantMessage Message, AnswerCitations Citations, int PromptTokens, int CompletionTokens);

/// <summary>The model or the index is still warming up, or failed to start; the endpoint answers 503 saying which.</summary>
public sealed class NotReadyException(string part, string message) : Exception(message)
{
    public string Part { get; } = part;

    public static NotReadyException Warming(string part, string detail) => new(part, $"The {part} is not ready yet ({detail}); retry shortly.");

    public static NotReadyException Failed(string part, string detail) => new(part, $"The {part} failed to start: {detail}");
}
