using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Citations;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Grounding;

/// <summary>A prompt that fits the model's context, and what went into it.</summary>
/// <param name="Messages">System (with context), kept history, the question.</param>
/// <param name="Context">The chunks in the prompt, numbered from 1.</param>
/// <param name="Text">The prompt rendered by the model's chat template.</param>
/// <param name="Tokens">The ids the model is fed: <paramref name="Text"/> encoded once, here, with BOS first when the template does
/// not render it; generation starts from these ids, so what was measured against the context is what runs.</param>
/// <param name="MaxTokens">Answer tokens that still fit.</param>
public sealed record ComposedPrompt(IReadOnlyList<ChatMessage> Messages, CitationMap Context, string Text, IReadOnlyList<int> Tokens, int MaxTokens)
{
    /// <summary>The prompt's length in tokens.</summary>
    public int PromptTokens => Tokens.Count;
}

/// <summary>The question is too long for the model's context even without history or retrieved context.</summary>
public sealed class PromptTooLongException(string message) : Exception(message);

/// <summary>
/// Fits a grounded turn into the context window: all retrieved chunks and history when they fit; otherwise the
/// oldest history goes first, then the lowest-ranked chunks, until the prompt leaves room for an answer.
/// </summary>
public static class PromptComposer
{
    /// <summary>Answer room a prompt must leave, at most: the requested answer length, capped at a quarter of the context.</summary>
    static int Reserve(int contextLength, int maxTokens) => Math.Max(1, Math.Min(maxTokens, Math.Max(16, contextLength / 4)));

    /// <exception cref="PromptTooLongException">Nothing fits.</exception>
    public static ComposedPrompt Compose(string systemPrompt, string? extraInstructions, IReadOnlyList<ChatMessage> history, string question,
        IReadOnlyList<RetrievedChunk> retrieved, ModelTokenizer tokenizer, int contextLength, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(retrieved);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var reserve = Reserve(contextLength, maxTokens);
        var chunks = retrieved.Count;
        var kept = history.Count;
        while (true)
        {
            var context = new CitationMap(retrieved.Take(chunks));
            var messages = new List<ChatMessage> { ChatMessage.System(GroundedPrompt.SystemMessage(systemPrompt, context, extraInstructions)) };
            messages.AddRange(history.Skip(history.Count - kept));
            messages.Add(ChatMessage.User(question));
            if (!tokenizer.ChatTemplate.AcceptsSystemRole) messages = FoldSystemIntoFirstUserTurn(messages);
            var text = tokenizer.ChatTemplate.Render(messages, addGenerationPrompt: true);
            var ids = tokenizer.Encode(text, addBos: !tokenizer.ChatTemplate.RendersBos);
            var tokens = ids.Length;
            if (tokens + reserve < contextLength)
                return new ComposedPrompt(messages, context, text, ids, Math.Min(maxTokens, contextLength - tokens - 1));
            if (kept > 0) kept -= Math.Min(kept, 2); // a question and its answer leave together
            else if (chunks > 0) chunks--;
            else
                throw new PromptTooLongException(
                    $"The message is too long: with the system prompt it takes {tokens} tokens, and the model's context holds {contextLength} (answer included).");
        }
    }

    /// <summary>For a template that refuses system messages: the system text heads the first user turn, as those checkpoints' cards advise.</summary>
    static List<ChatMessage> FoldSystemIntoFirstUserTurn(List<ChatMessage> messages)
    {
        var system = messages[0].Content;
        var rest = messages.Skip(1).ToList();
        var first = rest.FindIndex(m => m.Role == ChatRoles.User);
        rest[first] = ChatMessage.User($"{system}\n\n{rest[first].Content}");
        return rest;
    }
}
