using System.Text.RegularExpressions;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Grounding;

/// <summary>
/// Reading drills: short grounded turns that only reading the context can answer, for a model to learn copying before
/// it meets the full chat prompts. A drill's context is one to five passages (a few consecutive sentences of random
/// chunks of the corpus), numbered and composed by <see cref="PromptComposer"/> under the domain's system prompt as
/// chat composes them; the question is a template question (<see cref="SentenceQuestions"/>) about one sentence of one
/// passage, and the answer is that sentence and its number, or the decline when its passage was left out; later turns
/// ask about other sentences of the context, or of passages it lacks (<see cref="FollowUpTurns"/>). In most
/// drills a share of the content words (<see cref="WordSwap"/>) and every number and code of the answer
/// (<see cref="CounterfactualFacts"/>; the domain's own, such as its support number, kept) are changed throughout, so a model that recalls the corpus gets them wrong.
/// Sentences that answer a held-out question are never asked about (<see cref="HeldOutGuard"/>).
/// </summary>
public sealed partial class ReadingDrills(ModelTokenizer tokenizer, int contextLength, ReadingDrillOptions options)
{
    /// <summary>Draws <see cref="ReadingDrillOptions.Count"/> drills from <paramref name="domain"/>'s indexed chunks (fewer if the corpus has too few sentences to ask about).</summary>
    public async Task<IReadOnlyList<GroundedExample>> BuildAsync(DomainProfile domain, IChunkCatalog catalog, HeldOutGuard guard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(guard);
        options.Validate();
        var chunks = new List<(Chunk Chunk, string[] Sentences)>();
        foreach (var document in await catalog.ListDocumentsAsync(domain.Name, cancellationToken))
            foreach (var chunk in await catalog.GetDocumentChunksAsync(domain.Name, document, cancellationToken))
                if (TextUnits.Sentences(chunk.Text).ToArray() is { Length: > 0 } sentences) chunks.Add((chunk, sentences));
        if (chunks.Count < 2) throw new InvalidOperationException($"Domain {domain.Name} has {chunks.Count} indexed chunk(s) with sentences; reading drills need at least 2.");
        var vocabulary = WordSwap.VocabularyOf(chunks.Select(c => c.Chunk.Text));
        var random = new Random(options.Seed);
        // Questions about sentences the context may lack: the follow-ups that teach the decline.
        var elsewhere = chunks.SelectMany(c => c.Sentences.Where(s => TextUnits.Words(s).Length >= SentenceQuestions.MinWords)
                .SelectMany(s => SentenceQuestions.For(s, c.Chunk.Title, 1, random).Select(q => (Question: q, Answer: s))))
            .Where(p => !guard.Leaks(p.Question, p.Answer) && domain.Safety?.Concerns(p.Question) != true).ToList();
        var followUps = new FollowUpTurns(tokenizer, contextLength, new GroundedDataOptions { FollowUps = options.FollowUps, DeclineShare = options.DeclineShare });
        var domainText = CounterfactualFacts.DomainText(domain);
        var drills = new List<GroundedExample>(options.Count);
        for (var tries = 0; drills.Count < options.Count && tries < options.Count * 4; tries++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Draw(domain, chunks, vocabulary, guard, random) is not var (drill, changed)) continue;
            drill = followUps.Add(domain, drill, guard, elsewhere, random);
            drills.Add(changed ? WithNewFacts(drill, domainText, random) : drill);
        }
        return drills;
    }

    /// <summary>A drill's first turn, and whether its words were changed; null when the drawn sentence cannot be asked about.</summary>
    (GroundedExample Drill, bool Changed)? Draw(DomainProfile domain, List<(Chunk Chunk, string[] Sentences)> chunks, IReadOnlyList<string> vocabulary, HeldOutGuard guard, Random random)
    {
        var passages = random.Next(1, Math.Min(options.MaxPassages, chunks.Count - 1) + 1);
        // One more chunk than the context shows: it stands in for the asked passage when the drill teaches the decline.
        var picked = Enumerable.Range(0, chunks.Count).OrderBy(_ => random.Next()).Take(passages + 1).Select(i => chunks[i]).ToList();
        var (asked, askedSentences) = picked[0];
        var candidates = Enumerable.Range(0, askedSentences.Length).Where(i => TextUnits.Words(askedSentences[i]).Length >= SentenceQuestions.MinWords).ToList();
        if (candidates.Count == 0) return null;
        var target = candidates[random.Next(candidates.Count)];
        var original = askedSentences[target];
        var swap = random.NextDouble() < options.ScrambledShare ? new WordSwap(vocabulary, options.ScrambleRate, random) : null;
        var sentence = swap?.Apply(original) ?? original;
        if (SentenceQuestions.For(sentence, asked.Title, 1, random) is not [var question]) return null;
        if (guard.Leaks(question, original) || guard.Leaks(question, sentence) || domain.Safety?.Concerns(question) == true) return null;

        var decline = random.NextDouble() < options.DeclineShare;
        var askedPassage = Passage(asked, askedSentences, target, swap, random);
        var others = picked.Skip(1).Select(c => Passage(c.Chunk, c.Sentences, random.Next(c.Sentences.Length), swap, random)).ToList();
        var shown = (decline ? others : [askedPassage, .. others.Take(passages - 1)]).OrderBy(_ => random.Next())
            .Select(c => new RetrievedChunk(c, 0, RetrievalSources.None, null, null)).ToList();
        var prompt = PromptComposer.Compose(domain.SystemPrompt, null, [], question, shown, tokenizer, contextLength, domain.Defaults.MaxTokens);
        // Overlapping chunks repeat sentences: whichever shown passage holds the sentence answers it.
        var wording = TextUnits.Normalise(sentence);
        var number = prompt.Context.Chunks.Select((c, i) => (c, i)).Where(x => TextUnits.Normalise(x.c.Text).Contains(wording, StringComparison.Ordinal))
            .Select(x => (int?)x.i + 1).FirstOrDefault();
        List<ChatMessage> messages = [.. prompt.Messages, ChatMessage.Assistant(number is { } n ? $"{sentence} [{n}]" : domain.Decline)];
        return (new GroundedExample(messages, number is null ? GroundedExampleKind.Decline : GroundedExampleKind.Sentence, number, prompt), swap is not null);
    }

    /// <summary>A changed drill with the numbers and codes of every quoted answer replaced throughout, one mapping per answer.</summary>
    static GroundedExample WithNewFacts(GroundedExample drill, string domainText, Random random)
    {
        var messages = drill.Messages;
        foreach (var answer in drill.Messages.Where(m => m.Role == ChatRoles.Assistant).Select(m => CitationMarker().Replace(m.Content, "")))
            messages = CounterfactualFacts.Apply(messages, answer, random, domainText);
        return drill with { Messages = messages };
    }

    [GeneratedRegex(@" \[\d+\]$")]
    private static partial Regex CitationMarker();

    /// <summary>Up to <see cref="ReadingDrillOptions.MaxSentencesPerPassage"/> consecutive sentences of a chunk, sentence <paramref name="holding"/> among them, as a chunk of its own.</summary>
    Chunk Passage(Chunk chunk, string[] sentences, int holding, WordSwap? swap, Random random)
    {
        var length = random.Next(1, Math.Min(options.MaxSentencesPerPassage, sentences.Length) + 1);
        var first = Math.Clamp(holding - random.Next(length), 0, sentences.Length - length);
        var text = string.Join(' ', sentences.Skip(first).Take(length));
        text = swap?.Apply(text) ?? text;
        return chunk with { Text = text, End = chunk.Start + text.Length };
    }
}
