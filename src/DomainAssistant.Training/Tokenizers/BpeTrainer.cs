using System.Diagnostics;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// Learns a GPT-2 style byte-level BPE vocabulary from text (Sennrich et al. 2016, "Neural Machine Translation of
/// Rare Words with Subword Units"; byte-level as in GPT-2, Radford et al. 2019).
/// </summary>
/// <remarks>
/// Text is split by <see cref="Gpt2PreTokenizer"/>; each piece becomes its UTF-8 bytes, and every byte is one of
/// 256 base symbols, so any text encodes without an unknown token. Then, until the vocabulary is full, the most
/// frequent adjacent pair over all distinct pieces (weighted by how often each piece occurs) becomes a new token.
/// Ids: the special tokens first (<see cref="ChatSpecialTokens"/>), then byte b at id specials + b, then merges.
/// </remarks>
public sealed class BpeTrainer(BpeTrainerOptions options)
{
    // Reporting every merge would cost more than the merge on a small vocabulary; 200 reports cover a bar.
    const int ProgressReports = 200;

    readonly BpeTrainerOptions options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Trains on <paramref name="documents"/>, reporting progress through <paramref name="progress"/> when given.</summary>
    /// <remarks>
    /// A lone surrogate in a document is counted as U+FFFD (what UTF-8 encoding makes of it); <see cref="Corpus.TextCorpus"/>
    /// refuses such text before it gets here.
    /// </remarks>
    public BpeVocabulary Train(IEnumerable<string> documents, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var counts = new PreTokenCounts();
        foreach (var document in documents)
        {
            cancellation.ThrowIfCancellationRequested();
            counts.Add(document);
        }
        return Train(counts, progress, clock, cancellation);
    }

    BpeVocabulary Train(PreTokenCounts counts, IProgress<TrainingProgress>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        var tokens = new TokenTable(options.SpecialTokens);
        var words = counts.AsByteWords().Select(word => new SymbolWord([.. word.Bytes.Select(tokens.IdOfByte)], word.Count)).ToList();
        var pairs = new PairStatistics(words);
        var merges = new List<(string Left, string Right)>();
        var total = options.VocabularySize - tokens.Count;
        var reportEvery = Math.Max(1, total / ProgressReports);
        var mergeStart = clock.Elapsed;
        var reported = 0;

        while (tokens.Count < options.VocabularySize && pairs.TryTakeMostFrequent(options.MinPairFrequency, out var pair, out _))
        {
            cancellation.ThrowIfCancellationRequested();
            var (left, right) = SymbolWord.Unpack(pair);
            merges.Add((tokens[left], tokens[right]));
            pairs.Apply(pair, tokens.Join(left, right));
            var done = tokens.LearnedCount;
            if (progress is not null && done >= reported + reportEvery)
            {
                reported = done;
                progress.Report(Progress(done, total, clock.Elapsed, mergeStart));
            }
        }
        progress?.Report(Progress(tokens.LearnedCount, total, clock.Elapsed, mergeStart));
        return new BpeVocabulary(tokens.ToList(), merges, options.SpecialTokens);
    }

    static TrainingProgress Progress(int done, int total, TimeSpan elapsed, TimeSpan mergeStart)
    {
        TimeSpan? remaining = done == 0 ? null : (elapsed - mergeStart) / done * Math.Max(0, total - done);
        return new TrainingProgress(done, total, elapsed, remaining);
    }
}
