using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The decline rate on out-of-domain questions (eval-suites/DOMAIN/out-of-domain.jsonl: general knowledge, other
/// products and companies, nonsense, requests the domain cannot serve): the share of answered questions whose answer
/// is a decline (<see cref="Declines"/>). Higher is better; the held-out false decline rate
/// (<see cref="CitationPrecision"/>) is its counterweight.
/// </summary>
public static class OutOfDomainDeclines
{
    /// <param name="Questions">Questions asked.</param>
    /// <param name="Answered">Requests that succeeded.</param>
    /// <param name="Declined">Answers that are declines.</param>
    /// <param name="Citing">Answers that cite a chunk (an out-of-domain answer has nothing to cite).</param>
    /// <param name="FirstError">The first failed request; null when none failed.</param>
    /// <param name="NotDeclined">A few (question, answer) pairs that were not declined, for the report.</param>
    public sealed record Result(int Questions, int Answered, int Declined, int Citing, string? FirstError,
        IReadOnlyList<(string Question, string Answer)> NotDeclined);

    /// <summary>Counts over the suite's answers.</summary>
    public static Result Of(IReadOnlyList<SuiteAnswer> answers, string? domainDecline)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var answered = answers.Where(a => a.Answer is not null).ToList();
        var declined = answered.Where(a => Declines.IsDecline(a.Answer!.Text, domainDecline)).ToList();
        return new Result(answers.Count, answered.Count, declined.Count, answered.Count(a => a.Answer!.CitedSources.Count > 0),
            answers.FirstOrDefault(a => a.Error is not null)?.Error,
            [.. answered.Except(declined).Take(3).Select(a => (a.Question.Question, a.Answer!.Text))]);
    }
}
