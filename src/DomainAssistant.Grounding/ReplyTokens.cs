using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding;

/// <summary>
/// A reply's token ids exactly as the chat template renders it after the generation prompt, end-of-turn included:
/// the conversation with the reply, encoded, minus the conversation's own prompt. Scoring a reference or a candidate
/// answer this way scores what the model would have had to generate.
/// </summary>
public static class ReplyTokens
{
    /// <returns>The prompt (as <see cref="ModelTokenizer.EncodeChat"/> with the generation prompt) and the reply's ids.</returns>
    /// <exception cref="InvalidOperationException">The template renders the prompt differently once a reply follows it.</exception>
    public static (int[] Prompt, int[] Reply) Of(ModelTokenizer tokenizer, IReadOnlyList<ChatMessage> messages, string reply)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var prompt = tokenizer.EncodeChat(messages, addGenerationPrompt: true);
        return (prompt, After(tokenizer, messages, prompt, reply));
    }

    /// <summary>The reply's ids after a prompt already encoded, so many replies to one prompt encode it once.</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="messages">The conversation the reply answers.</param>
    /// <param name="prompt">The conversation's ids as <see cref="ModelTokenizer.EncodeChat"/> gives them with the generation prompt.</param>
    /// <param name="reply">The reply's text.</param>
    /// <exception cref="InvalidOperationException">The template renders the prompt differently once a reply follows it.</exception>
    public static int[] After(ModelTokenizer tokenizer, IReadOnlyList<ChatMessage> messages, int[] prompt, string reply)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(prompt);
        var whole = tokenizer.EncodeChat([.. messages, ChatMessage.Assistant(reply)], addGenerationPrompt: false);
        if (whole.Length <= prompt.Length || !whole.AsSpan(0, prompt.Length).SequenceEqual(prompt))
            throw new InvalidOperationException("the chat template renders the prompt differently once a reply follows it; the reply cannot be scored as a continuation.");
        return whole[prompt.Length..];
    }
}
