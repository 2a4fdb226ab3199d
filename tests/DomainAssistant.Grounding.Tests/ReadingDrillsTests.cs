using System.Text.RegularExpressions;
using DomainAssistant.Grounding.Tests.Support;

namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Specifies the reading drills drawn from the real sample domain: every answer quotes a sentence of the passage it
/// cites (or is the decline when no passage holds it), changed drills say what the corpus does not, contexts stay
/// short, and no drill asks about a sentence a held-out answer comes from.
/// </summary>
[Collection(SampleDomainGroup.Name)]
public sealed partial class ReadingDrillsTests(SampleDomain domain)
{
    Task<IReadOnlyList<GroundedExample>> DrawAsync(ReadingDrillOptions options, HeldOutGuard? guard = null) =>
        new ReadingDrills(domain.Tokenizer, SampleDomain.ContextLength, options).BuildAsync(domain.Profile, domain.Catalog, guard ?? HeldOutGuard.For(domain.Profile), CancellationToken.None);

    [Fact]
    public async Task Each_answer_quotes_a_sentence_of_the_passage_it_cites_or_declines_and_each_context_is_asked_several_questions()
    {
        var drills = await DrawAsync(new ReadingDrillOptions { Count = 600, Seed = 3 });

        Assert.Equal(600, drills.Count);
        var declines = drills.Count(d => d.Kind == GroundedExampleKind.Decline);
        Assert.InRange(declines, 40, 150); // 15% of first turns asked for
        foreach (var drill in drills)
        {
            Assert.Equal("system", drill.Messages[0].Role);
            var passages = Passages(drill.Messages[0].Content);
            Assert.InRange(passages.Count, 1, 5);
            if (drill.Kind == GroundedExampleKind.Decline) Assert.Equal((domain.Profile.Decline, (int?)null), (drill.Messages[2].Content, drill.Cited));
            else Assert.EndsWith($" [{drill.Cited}]", drill.Messages[2].Content, StringComparison.Ordinal);
            foreach (var answer in drill.Messages.Skip(1).Where((_, i) => i % 2 == 1).Select(m => m.Content))
            {
                if (answer == domain.Profile.Decline) continue;
                var cited = Cited().Match(answer);
                Assert.True(cited.Success, answer);
                Assert.Contains(cited.Groups[1].Value, passages[int.Parse(cited.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1]);
            }
        }
        // Later turns: each context trains several answers.
        Assert.True(drills.Average(d => d.Messages.Count(m => m.Role == "assistant")) >= 3, "answers per drill");
    }

    [Fact]
    public async Task Changed_drills_answer_with_sentences_the_corpus_does_not_hold_and_unchanged_ones_with_its_own()
    {
        var corpus = TextUnits.Normalise(string.Join("\n", Directory.EnumerateFiles(domain.Profile.CorpusFolder, "*", SearchOption.AllDirectories).Select(File.ReadAllText)));
        bool InCorpus(GroundedExample drill) => corpus.Contains(TextUnits.Normalise(Cited().Match(drill.Messages[2].Content).Groups[1].Value), StringComparison.Ordinal);

        var changed = (await DrawAsync(new ReadingDrillOptions { Count = 200, ScrambledShare = 1, ScrambleRate = 0.5, DeclineShare = 0 })).ToList();
        var unchanged = (await DrawAsync(new ReadingDrillOptions { Count = 200, ScrambledShare = 0, DeclineShare = 0 })).ToList();

        Assert.True(changed.Count(InCorpus) < changed.Count / 10, $"{changed.Count(InCorpus)} of {changed.Count} changed answers are corpus sentences");
        Assert.All(unchanged, d => Assert.True(InCorpus(d), d.Messages[2].Content));
    }

    [Fact]
    public async Task No_drill_asks_about_a_held_out_answer_and_without_the_guard_the_same_check_finds_some()
    {
        var options = new ReadingDrillOptions { Count = 3000, ScrambledShare = 0, DeclineShare = 0, Seed = 11 };
        var heldOut = HeldOutCheck.Read(domain.Profile.HeldOutQaPath!);

        var guarded = HeldOutCheck.Leaks(await DrawAsync(options), heldOut);
        var unguarded = HeldOutCheck.Leaks(await DrawAsync(options, HeldOutGuard.None), heldOut);

        Assert.True(guarded.Count == 0, $"{guarded.Count} leaks, e.g.:\n{string.Join("\n", guarded.Take(5))}");
        Assert.NotEmpty(unguarded);
    }

    [Fact]
    public async Task Passages_are_at_most_the_asked_number_of_sentences_and_the_same_seed_draws_the_same_drills()
    {
        var options = new ReadingDrillOptions { Count = 100, MaxPassages = 2, MaxSentencesPerPassage = 1, ScrambledShare = 0.5 };

        var first = await DrawAsync(options);
        var again = await DrawAsync(options);

        Assert.Equal(first.Select(d => string.Concat(d.Messages.Select(m => m.Content))), again.Select(d => string.Concat(d.Messages.Select(m => m.Content))));
        Assert.All(first, d => Assert.InRange(d.Prompt.Context.Chunks.Count, 1, 2));
        Assert.All(first.SelectMany(d => d.Prompt.Context.Chunks), c => Assert.Single(TextUnits.Sentences(c.Text)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    [InlineData(1.5)]
    public void Options_that_cannot_work_are_refused_by_name(double scrambleRate)
    {
        var options = new ReadingDrillOptions { Count = (int)scrambleRate, ScrambleRate = scrambleRate, MaxPassages = (int)scrambleRate };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Matches("drill count|passages per drill|scramble rate", error.Message);
    }

    /// <summary>The context's passages by number: the text under each "[n] Title (path)" heading of the system message.</summary>
    static List<string> Passages(string system)
    {
        var context = system[(system.IndexOf("Context:\n", StringComparison.Ordinal) + "Context:\n".Length)..system.LastIndexOf("\n\nAnswer from the context", StringComparison.Ordinal)];
        return [.. Heading().Split(context).Where(p => p.Length > 0)];
    }

    [GeneratedRegex(@"^(.*) \[(\d+)\]$", RegexOptions.Singleline)]
    private static partial Regex Cited();

    [GeneratedRegex(@"(?:^|\n\n)\[\d+\] [^\n]*\n")]
    private static partial Regex Heading();
}
