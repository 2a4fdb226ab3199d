using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding;

/// <summary>Later turns on an example's context (<see cref="GroundedDataOptions.FollowUps"/>).</summary>
/// <param name="tokenizer">Measures the conversation, which must fit <paramref name="contextLength"/>.</param>
/// <param name="contextLength">Tokens a training row (and the served context) holds.</param>
/// <param name="options">How many turns, and the decline share.</param>
public sealed class FollowUpTurns(ModelTokenizer tokenizer, int contextLength, GroundedDataOptions options)
{
    /// <summary>
    /// Adds to an example up to <see cref="GroundedDataOptions.FollowUps"/> more turns on the same context, while the conversation
    /// fits the context length: a template question about another sentence of a context chunk, answered with it and
    /// its number, or (at <see cref="GroundedDataOptions.DeclineShare"/>) about a sentence of a chunk the context does
    /// not hold, answered with the decline. Each context then trains several answers, and the model learns to tell
    /// what this context answers from what it does not.
    /// </summary>
    public GroundedExample Add(DomainProfile domain, GroundedExample example, HeldOutGuard guard, IReadOnlyList<(string Question, string Answer)> elsewhere, Random random)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(elsewhere);
        ArgumentNullException.ThrowIfNull(random);
        if (options.FollowUps == 0) return example;
        var chunks = example.Prompt.Context.Chunks;
        var inContext = chunks.Select((chunk, i) => (Chunk: chunk, Number: i + 1))
            .SelectMany(c => TextUnits.Sentences(c.Chunk.Text).Select(sentence => (Sentence: sentence, c.Chunk, c.Number)))
            .Where(s => TextUnits.Words(s.Sentence).Length >= SentenceQuestions.MinWords)
            .OrderBy(_ => random.Next()).ToList();
        var texts = chunks.Select(c => TextUnits.Normalise(c.Text)).ToList();
        var messages = example.Messages.ToList();
        var asked = new HashSet<string>(messages.Where(m => m.Role == ChatRoles.Assistant).Select(m => m.Content), StringComparer.Ordinal);
        for (var turn = 0; turn < options.FollowUps && inContext.Count > 0; turn++)
        {
            (string Question, string Answer)? next = null;
            if (random.NextDouble() < options.DeclineShare && elsewhere.Count > 0)
            {
                var other = elsewhere[random.Next(elsewhere.Count)];
                var wording = TextUnits.Normalise(other.Answer);
                if (!texts.Any(t => t.Contains(wording, StringComparison.Ordinal))) next = (other.Question, domain.Decline);
            }
            else
            {
                var (sentence, chunk, number) = inContext[^1];
                inContext.RemoveAt(inContext.Count - 1);
                var questions = SentenceQuestions.For(sentence, chunk.Title, 1, random);
                var question = questions.Count > 0 ? questions[0] : null;
                var answer = $"{sentence.Trim()} [{number}]";
                if (question is not null && !guard.Leaks(question, sentence) && asked.Add(answer)) next = (question, answer);
            }
            if (next is not { } pair) continue;
            List<ChatMessage> longer = [.. messages, ChatMessage.User(pair.Question), ChatMessage.Assistant(pair.Answer)];
            if (tokenizer.EncodeChat(longer, addGenerationPrompt: false).Length >= contextLength) break;
            messages = longer;
        }
        return example with { Messages = messages };
    }
}
