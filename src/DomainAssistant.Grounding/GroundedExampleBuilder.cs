using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Grounding;

/// <summary>
/// Grounded training data built as the host serves: each question is retrieved with the host's retriever and composed
/// by <see cref="PromptComposer"/> (domain system prompt, numbered context, chat template, context-length fit), and the
/// answer quotes its source and cites the number that source chunk has in that prompt: "... [n]". When the composed
/// context does not hold the answer (retrieval missed it, or <see cref="GroundedDataOptions.DeclineShare"/> of the
/// time its chunks are removed on purpose) the answer is the domain's decline. Held-out questions and the sentences
/// their answers come from never become training examples (<see cref="HeldOutGuard"/>).
/// </summary>
public sealed class GroundedExampleBuilder(IRetriever retriever, IChunkCatalog catalog, ModelTokenizer tokenizer, int contextLength, GroundedDataOptions options)
{
    /// <summary>Extra chunks retrieved beyond top-k, so removing the source's chunks still leaves a full context.</summary>
    const int Spare = 8;

    /// <summary>Builds every example of <paramref name="domain"/>, shuffled.</summary>
    public async Task<(IReadOnlyList<GroundedExample> Examples, GroundedDataReport Report)> BuildAsync(DomainProfile domain, HeldOutGuard guard,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(guard);
        options.Validate();
        var random = new Random(options.Seed);
        var examples = new List<GroundedExample>();
        int misses = 0, qaMisses = 0;
        var items = await ItemsAsync(domain, random, cancellationToken);
        var kept = items.Where(i => !guard.Leaks(i.Question, i.Answer)).ToList();
        var skipped = items.Count - kept.Count;
        var elsewhere = kept.Where(i => i.Kind == GroundedExampleKind.Sentence).Select(i => (i.Question, i.Answer)).ToList();
        var followUps = new FollowUpTurns(tokenizer, contextLength, options);
        foreach (var item in kept)
        {
            if (domain.Safety is { } safety && safety.Concerns(item.Question))
            {
                examples.Add(await SafetyAsync(domain, item.Question, safety, cancellationToken));
                continue;
            }
            var remove = random.NextDouble() < options.DeclineShare;
            var example = await ComposeAsync(domain, item.Question, item.Answer, item.HoldsAnswer, remove, item.Kind,
                item.Kind == GroundedExampleKind.Sentence ? item.Source : null, random, cancellationToken);
            example = followUps.Add(domain, example, guard, elsewhere, random);
            // No draw when the share is 0: the default data stays the draw for draw what it was before the option existed
            // (the shipped model's data).
            if (options.CounterfactualShare > 0 && example.Kind is GroundedExampleKind.QaPair or GroundedExampleKind.Sentence
                && random.NextDouble() < options.CounterfactualShare)
                example = example with { Messages = CounterfactualFacts.Apply(example.Messages, item.Answer, random, CounterfactualFacts.DomainText(domain)) };
            if (example.Kind == GroundedExampleKind.Decline && !remove)
            {
                misses++;
                qaMisses += item.Kind == GroundedExampleKind.QaPair ? 1 : 0;
            }
            examples.Add(example);
        }
        // The instruction is the domain's own configuration (its system prompt says it too), not a corpus sentence, so
        // only the template questions are checked against the held-out ones.
        foreach (var question in domain.Safety?.Questions() ?? [])
            if (!guard.Leaks(question, "")) examples.Add(await SafetyAsync(domain, question, domain.Safety!, cancellationToken));
        var shuffled = examples.OrderBy(_ => random.Next()).ToList();
        var report = new GroundedDataReport(
            shuffled.Count(e => e.Kind == GroundedExampleKind.QaPair), shuffled.Count(e => e.Kind == GroundedExampleKind.Sentence),
            shuffled.Count(e => e.Kind == GroundedExampleKind.Decline), shuffled.Count(e => e.Kind == GroundedExampleKind.Safety), misses, qaMisses, skipped,
            shuffled.Count == 0 ? 0 : shuffled.Average(e => e.Prompt.Context.Chunks.Count), shuffled.Count == 0 ? 0 : shuffled.Average(e => e.Prompt.PromptTokens));
        return (shuffled, report);
    }

    /// <summary>Builds and writes one <c>{"messages": [...], "kind": ..., "cited": ...}</c> line per example (the SFT reader's format).</summary>
    public async Task<GroundedDataReport> WriteAsync(DomainProfile domain, HeldOutGuard guard, string outputPath, CancellationToken cancellationToken)
    {
        var (examples, report) = await BuildAsync(domain, guard, cancellationToken);
        await GroundedExampleFile.WriteAsync(examples, outputPath, cancellationToken);
        return report;
    }

    /// <summary>
    /// One example as chat composes it: retrieve, optionally remove the chunks that hold the answer, compose, and answer
    /// with the quote and its number, or with the decline when the composed context holds no chunk that answers.
    /// </summary>
    public Task<GroundedExample> ComposeAsync(DomainProfile domain, string question, string answer, Func<Chunk, double> holdsAnswer,
        bool removeSource, GroundedExampleKind kind, CancellationToken cancellationToken) =>
        ComposeAsync(domain, question, answer, holdsAnswer, removeSource, kind, null, null, cancellationToken);

    /// <param name="domain">The domain: system prompt, defaults, decline.</param>
    /// <param name="question">Asked as a user would.</param>
    /// <param name="answer">The quote that answers it.</param>
    /// <param name="holdsAnswer">How well a chunk holds the answer (0: not at all).</param>
    /// <param name="removeSource">Remove every chunk holding the answer: the example teaches the decline.</param>
    /// <param name="kind">What the example is when it is answered.</param>
    /// <param name="sourceWhenMissed">For template questions, whose wording retrieval may not match: the chunk the
    /// quote comes from, put at a random rank when retrieval did not bring it, so the example still teaches reading.</param>
    /// <param name="random">Chooses that rank.</param>
    /// <param name="cancellationToken">Stops the retrieval.</param>
    async Task<GroundedExample> ComposeAsync(DomainProfile domain, string question, string answer, Func<Chunk, double> holdsAnswer,
        bool removeSource, GroundedExampleKind kind, Chunk? sourceWhenMissed, Random? random, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(holdsAnswer);
        var topK = options.TopK > 0 ? options.TopK : domain.Defaults.TopK;
        var retrieved = await retriever.RetrieveAsync(question, domain.Name, topK + (removeSource ? Spare : 0), cancellationToken);
        var context = (removeSource ? retrieved.Where(r => holdsAnswer(r.Chunk) <= 0) : retrieved).Take(topK).ToList();
        if (!removeSource && sourceWhenMissed is not null && random is not null && !context.Any(r => holdsAnswer(r.Chunk) > 0))
        {
            if (context.Count == topK) context.RemoveAt(context.Count - 1);
            context.Insert(random.Next(context.Count + 1), new RetrievedChunk(sourceWhenMissed, 0, RetrievalSources.None, null, null));
        }
        var prompt = PromptComposer.Compose(domain.SystemPrompt, null, [], question, context, tokenizer, contextLength, domain.Defaults.MaxTokens);
        var source = prompt.Context.Chunks.Select((chunk, i) => (Score: holdsAnswer(chunk), Number: i + 1)).Where(c => c.Score > 0).OrderByDescending(c => c.Score)
            .Select(c => (int?)c.Number).FirstOrDefault();
        var reply = source is { } n ? $"{answer.Trim()} [{n}]" : domain.Decline;
        List<ChatMessage> messages = [.. prompt.Messages, ChatMessage.Assistant(reply)];
        return new GroundedExample(messages, source is null ? GroundedExampleKind.Decline : kind, source, prompt);
    }

    /// <summary>A safety question composed as chat composes it, answered with the domain's safety instruction.</summary>
    async Task<GroundedExample> SafetyAsync(DomainProfile domain, string question, SafetyInstruction safety, CancellationToken cancellationToken)
    {
        var example = await ComposeAsync(domain, question, safety.Instruction, _ => 0, removeSource: false, GroundedExampleKind.Safety, null, null, cancellationToken);
        return example with { Messages = [.. example.Prompt.Messages, ChatMessage.Assistant(safety.Instruction)], Kind = GroundedExampleKind.Safety, Cited = null };
    }

    sealed record Item(string Question, string Answer, Func<Chunk, double> HoldsAnswer, GroundedExampleKind Kind, Chunk? Source = null);

    async Task<List<Item>> ItemsAsync(DomainProfile domain, Random random, CancellationToken cancellationToken)
    {
        var items = new List<Item>();
        if (domain.TrainQaPath is { } qaPath && File.Exists(qaPath))
        {
            foreach (var pair in QaPair.Read(qaPath))
            {
                var source = pair.Source is null ? null : CorpusRelative(domain, pair.Source);
                var facts = TextUnits.KeyFacts(pair.Answer);
                // A chunk of the source document holds the answer when it carries the answer's key facts (another
                // chunk of the same document does not); of those, the one that overlaps the answer most is cited.
                items.Add(new Item(pair.Question, pair.Answer,
                    chunk => (source is null || chunk.SourcePath == source) && HoldsFacts(chunk, facts) ? 1e-3 + TextUnits.OverlapF1(chunk.Text, pair.Answer) : 0,
                    GroundedExampleKind.QaPair));
            }
        }
        var sentences = new List<Item>();
        foreach (var document in await catalog.ListDocumentsAsync(domain.Name, cancellationToken))
        {
            foreach (var chunk in await catalog.GetDocumentChunksAsync(domain.Name, document, cancellationToken))
            {
                foreach (var sentence in TextUnits.Sentences(chunk.Text))
                {
                    var wording = TextUnits.Normalise(sentence);
                    foreach (var question in SentenceQuestions.For(sentence, chunk.Title, options.QuestionsPerSentence, random))
                        sentences.Add(new Item(question, sentence, c => TextUnits.Normalise(c.Text).Contains(wording, StringComparison.Ordinal) ? 1 : 0,
                            GroundedExampleKind.Sentence, chunk));
                }
            }
        }
        // Overlapping chunks repeat sentences: keep one example per question.
        var unique = sentences.DistinctBy(s => s.Question, StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(options.MaxSentenceExamples);
        items.AddRange(unique);
        return items;
    }

    static bool HoldsFacts(Chunk chunk, IReadOnlyList<string> facts)
    {
        if (facts.Count == 0) return true;
        var present = TextUnits.KeyFacts(chunk.Text);
        return facts.All(present.Contains);
    }

    /// <summary>The Q/A file names its source relative to the domain folder; chunks name it relative to the corpus folder.</summary>
    static string CorpusRelative(DomainProfile domain, string source) =>
        Path.GetRelativePath(domain.CorpusFolder, Path.GetFullPath(Path.Combine(domain.Folder, source))).Replace(Path.DirectorySeparatorChar, '/');
}
