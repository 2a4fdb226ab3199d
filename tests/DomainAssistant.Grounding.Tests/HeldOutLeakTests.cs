using DomainAssistant.Grounding.Tests.Support;

namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Specifies that a domain's held-out questions never reach its training data: in the grounded data built for the real
/// sample domain (as `da data grounded` builds it), no training question is a held-out question and no training
/// answer restates a held-out reference answer, by a criterion of its own (<see cref="HeldOutCheck"/>), not the guard's.
/// The same criterion on data built without the guard finds leaks, so the check can fail.
/// </summary>
[Collection(SampleDomainGroup.Name)]
public sealed class HeldOutLeakTests(SampleDomain domain)
{
    [Fact]
    public async Task No_training_question_or_answer_of_the_sample_domain_leaks_a_held_out_pair()
    {
        var (examples, report) = await domain.GuardedAsync();
        var heldOut = HeldOutCheck.Read(domain.Profile.HeldOutQaPath!);

        // The check covers both sources of training text: the Q/A file and the corpus sentences.
        Assert.True(heldOut.Count >= 50, $"the sample domain holds out {heldOut.Count} pairs");
        Assert.True(report.QaPairs >= 300, $"{report.QaPairs} Q/A pair examples");
        Assert.True(report.Sentences >= 500, $"{report.Sentences} sentence examples");
        Assert.True(report.HeldOutSkipped > 0, "the guard left something out");
        var sentenceItems = report.Total + report.HeldOutSkipped - QaPair.Read(domain.Profile.TrainQaPath!).Count;
        Assert.True(sentenceItems < SampleDomain.Options.MaxSentenceExamples, $"{sentenceItems} sentence questions: the cap cut some, so not every sentence was checked");
        var leaks = HeldOutCheck.Leaks(examples, heldOut);
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks, e.g.:\n{string.Join("\n", leaks.Take(10))}");
    }

    [Fact]
    public async Task Without_the_guard_the_same_check_finds_leaks_from_both_the_QA_file_and_the_corpus_sentences()
    {
        var (examples, _) = await domain.Builder().BuildAsync(domain.Profile, HeldOutGuard.None, CancellationToken.None);

        var leaks = HeldOutCheck.Leaks(examples, HeldOutCheck.Read(domain.Profile.HeldOutQaPath!));

        Assert.Contains(leaks, l => l.Kind == GroundedExampleKind.QaPair);
        Assert.Contains(leaks, l => l.Kind == GroundedExampleKind.Sentence);
    }
}
