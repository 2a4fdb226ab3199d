using System.Diagnostics;
using DomainAssistant.Training.Tests.Support;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

public sealed class BpeTrainerTests
{
    [Fact]
    public void Merges_are_learned_most_frequent_pair_first_with_ties_to_the_lower_ids()
    {
        // Pieces: "er" x1, " er" x5, " ab" x3, " cd" x1. Pairs: (e,r) 6, (Ġ,e) 5, (Ġ,a) 3, (a,b) 3, (Ġ,c) 1, (c,d) 1.
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 1000 }).Train(["er er er er er er ab ab ab cd"]);

        // (e,r) is the most frequent; then (Ġ,er) has 5; (Ġ,a) and (a,b) tie at 3 and Ġ (byte 32) has the lower id;
        // then (Ġa,b) has 3; the pairs of " cd" occur once, below the default minimum of 2.
        Assert.Equal([("e", "r"), ("Ġ", "er"), ("Ġ", "a"), ("Ġa", "b")], vocabulary.Merges);
        Assert.Equal(["er", "Ġer", "Ġa", "Ġab"], vocabulary.Tokens.Skip(260));
    }

    [Fact]
    public void Incremental_pair_counts_learn_the_same_merges_as_a_full_recount()
    {
        var text = SampleCorpus.Text(400, seed: 3);

        var trained = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 420 }).Train([text]);

        Assert.Equal(NaiveBpeReference.Merges(text, 420, minFrequency: 2), trained.Merges);
    }

    [Fact]
    public void Training_twice_on_the_same_corpus_writes_identical_files()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var documents = new[] { SampleCorpus.Text(1500), SampleCorpus.Babble(20_000) };

        HuggingFaceTokenizerFolder.Save(new BpeTrainer(new BpeTrainerOptions { VocabularySize = 800 }).Train(documents), first.Path);
        HuggingFaceTokenizerFolder.Save(new BpeTrainer(new BpeTrainerOptions { VocabularySize = 800 }).Train(documents), second.Path);

        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, file)), File.ReadAllBytes(Path.Combine(second.Path, file)));
    }

    [Fact]
    public void Progress_counts_merges_up_to_the_total_with_an_estimate()
    {
        var reports = new List<TrainingProgress>();

        new BpeTrainer(new BpeTrainerOptions { VocabularySize = 900 }).Train([SampleCorpus.Text(3000)], new Recorder(reports));

        Assert.True(reports.Count > 10);
        Assert.All(reports, report => Assert.Equal(900 - 260, report.MergesTotal));
        Assert.Equal(reports.Select(report => report.MergesDone).Order(), reports.Select(report => report.MergesDone));
        Assert.Equal(640, reports[^1].MergesDone);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.All(reports.Where(report => report.MergesDone > 0), report => Assert.NotNull(report.EstimatedRemaining));
    }

    [Fact]
    public void A_cancelled_token_stops_training()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            new BpeTrainer(new BpeTrainerOptions()).Train([SampleCorpus.Text(100)], cancellation: cancellation.Token));
    }

    [Fact]
    public void A_special_token_the_pre_tokenizer_keeps_whole_is_refused()
    {
        var options = new BpeTrainerOptions { AdditionalSpecialTokens = ["refund"] };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("'refund'", error.Message);
    }

    [Fact]
    public void A_200_KB_corpus_trains_to_4096_tokens_in_seconds()
    {
        var corpus = SampleCorpus.Babble(150_000) + SampleCorpus.Text(800);
        var clock = Stopwatch.StartNew();

        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 4096 }).Train([corpus]);

        Assert.Equal(4096, vocabulary.Count);
        // Generous for a shared 2-core machine (about 1 s measured); a per-merge recount of the corpus takes minutes.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 20);
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
