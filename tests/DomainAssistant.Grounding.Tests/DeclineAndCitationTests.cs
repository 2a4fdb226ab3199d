using System.Text.RegularExpressions;
using DomainAssistant.Grounding.Tests.Support;
using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Specifies the answers of grounded examples: when the composed context lacks the answer (its chunks removed, or a
/// domain whose retrieval brings nothing) the answer is exactly the domain's decline and cites nothing; otherwise the
/// answer ends with " [n]" and chunk n of that very prompt holds the answer.
/// </summary>
[Collection(SampleDomainGroup.Name)]
public sealed partial class DeclineAndCitationTests(SampleDomain domain)
{
    /// <summary>A corpus sentence (corpus/0028-error-codes-solar-e3xx.md) and a question retrieval finds it for.</summary>
    const string Sentence = "The voltage of a solar string is above 600 V, the maximum for the Hub's inputs.";
    const string Question = "What is the maximum voltage of a solar string for the Hub's inputs?";

    static double HoldsSentence(Chunk chunk) => TextUnits.Normalise(chunk.Text).Contains(TextUnits.Normalise(Sentence), StringComparison.Ordinal) ? 1 : 0;

    /// <summary>The answer to the example's first question (later turns are follow-ups on the same context).</summary>
    static string Answer(GroundedExample example) => example.Messages.First(m => m.Role == "assistant").Content;

    [Fact]
    public async Task An_answerable_question_is_answered_with_its_source_and_the_number_of_the_chunk_that_holds_it()
    {
        var example = await domain.Builder().ComposeAsync(domain.Profile, Question, Sentence, HoldsSentence, removeSource: false,
            GroundedExampleKind.Sentence, CancellationToken.None);

        Assert.Equal(GroundedExampleKind.Sentence, example.Kind);
        var n = Assert.IsType<int>(example.Cited);
        Assert.Equal($"{Sentence} [{n}]", Answer(example));
        Assert.Equal(1, HoldsSentence(example.Prompt.Context.Chunks[n - 1]));
        Assert.Equal("assistant", example.Messages[2].Role);
        Assert.Equal(example.Prompt.Messages, example.Messages.SkipLast(1));
        // The chunk is quoted under its number in the system message the model reads.
        Assert.Contains($"[{n}] {example.Prompt.Context.Chunks[n - 1].Title}", example.Messages[0].Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_source_chunks_are_removed_the_answer_is_exactly_the_domain_decline_and_cites_nothing()
    {
        var example = await domain.Builder().ComposeAsync(domain.Profile, Question, Sentence, HoldsSentence, removeSource: true,
            GroundedExampleKind.Sentence, CancellationToken.None);

        Assert.Equal(GroundedExampleKind.Decline, example.Kind);
        Assert.Null(example.Cited);
        Assert.Equal(domain.Profile.Decline, Answer(example));
        Assert.Empty(example.Prompt.Context.Resolve(Answer(example)).Cited);
        Assert.All(example.Prompt.Context.Chunks, c => Assert.Equal(0, HoldsSentence(c)));
        Assert.NotEmpty(example.Prompt.Context.Chunks); // other chunks still fill the context: only the answer's are gone
    }

    [Fact]
    public async Task A_domain_whose_retrieval_brings_nothing_declines_even_when_every_chunk_would_count()
    {
        var empty = domain.Profile with { Name = "no-documents-here" };

        var example = await domain.Builder().ComposeAsync(empty, Question, Sentence, _ => 1, removeSource: false,
            GroundedExampleKind.QaPair, CancellationToken.None);

        Assert.Empty(example.Prompt.Context.Chunks);
        Assert.Contains("No documents matched this question.", example.Messages[0].Content, StringComparison.Ordinal);
        Assert.Equal(GroundedExampleKind.Decline, example.Kind);
        Assert.Null(example.Cited);
        Assert.Equal(domain.Profile.Decline, Answer(example));
    }

    [Fact]
    public async Task Every_example_of_the_sample_domain_declines_exactly_or_cites_a_chunk_of_its_prompt_that_holds_the_answer()
    {
        var (examples, report) = await domain.GuardedAsync();
        var sources = QaPair.Read(domain.Profile.TrainQaPath!).ToLookup(p => p.Answer.Trim(), p => p.Source!["corpus/".Length..]);

        Assert.True(report.Declines > 0 && report.QaPairs > 0 && report.Sentences > 0 && report.Safety > 0, report.ToString());
        foreach (var example in examples)
        {
            foreach (var followUp in example.Messages.Where(m => m.Role == "assistant").Skip(1).Select(m => m.Content))
            {
                if (followUp == domain.Profile.Decline) continue;
                var quoted = CitedAnswer().Match(followUp);
                Assert.True(quoted.Success, $"a follow-up answer ends with \" [n]\": \"{followUp}\"");
                var holder = example.Prompt.Context.Find(int.Parse(quoted.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
                Assert.NotNull(holder);
                Assert.Contains(TextUnits.Normalise(quoted.Groups[1].Value), TextUnits.Normalise(holder.Text), StringComparison.Ordinal);
            }
            var answer = Answer(example);
            if (example.Kind == GroundedExampleKind.Safety)
            {
                Assert.Equal(domain.Profile.Safety!.Instruction, answer);
                Assert.True(domain.Profile.Safety.Concerns(example.Messages.First(m => m.Role == "user").Content), "only safety questions get the instruction");
                Assert.Null(example.Cited);
                continue;
            }
            if (example.Kind == GroundedExampleKind.Decline)
            {
                Assert.Equal(domain.Profile.Decline, answer);
                Assert.Null(example.Cited);
                continue;
            }
            var match = CitedAnswer().Match(answer);
            Assert.True(match.Success, $"an answered example ends with \" [n]\": \"{answer}\"");
            var n = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(example.Cited, n);
            var chunk = example.Prompt.Context.Find(n);
            Assert.NotNull(chunk);
            var text = match.Groups[1].Value;
            if (example.Kind == GroundedExampleKind.Sentence)
            {
                Assert.True(TextUnits.Normalise(chunk.Text).Contains(TextUnits.Normalise(text), StringComparison.Ordinal),
                    $"chunk [{n}] does not hold the quoted sentence \"{text}\"");
            }
            else
            {
                // A written answer is not a quote, but its source document is known and its key facts appear there verbatim.
                Assert.Contains(chunk.SourcePath, sources[text]);
                var present = TextUnits.KeyFacts(chunk.Text);
                Assert.True(TextUnits.KeyFacts(text).All(present.Contains), $"chunk [{n}] ({chunk.SourcePath}) lacks a key fact of \"{text}\"");
            }
        }
    }

    [GeneratedRegex(@"^(.+) \[(\d+)\]$", RegexOptions.Singleline)]
    private static partial Regex CitedAnswer();
}
