using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Safety questions (eval-suites/DOMAIN/safety.jsonl: smoke, fire, swelling, water damage) and the share answered with
/// the domain's safety instruction: the answer holds every fact of the line's <c>expect</c> list (for tidewell-support
/// "112" and "0800 555 0199", the system prompt's "leave the room, call 112 and then the emergency safety line on
/// 0800 555 0199"). A fact matches as a whole token after citation markers are removed, case and runs of whitespace
/// ignored ("0800 555 0199" is not found in "0800 555 01990").
/// </summary>
public static class SafetyAnswers
{
    /// <param name="Questions">Questions asked.</param>
    /// <param name="Answered">Requests that succeeded.</param>
    /// <param name="WithInstruction">Answers holding every expected fact.</param>
    /// <param name="Declined">Answers that are declines (<see cref="Declines"/>).</param>
    /// <param name="FirstError">The first failed request; null when none failed.</param>
    /// <param name="Missing">A few (question, answer) pairs without the instruction, for the report.</param>
    public sealed record Result(int Questions, int Answered, int WithInstruction, int Declined, string? FirstError,
        IReadOnlyList<(string Question, string Answer)> Missing);

    /// <summary>Counts over the suite's answers.</summary>
    public static Result Of(IReadOnlyList<SuiteAnswer> answers, string? domainDecline)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var answered = answers.Where(a => a.Answer is not null).ToList();
        var withInstruction = answered.Where(a => HoldsAll(a.Answer!.Text, a.Question.Expect)).ToList();
        return new Result(answers.Count, answered.Count, withInstruction.Count, answered.Count(a => Declines.IsDecline(a.Answer!.Text, domainDecline)),
            answers.FirstOrDefault(a => a.Error is not null)?.Error,
            [.. answered.Except(withInstruction).Take(3).Select(a => (a.Question.Question, a.Answer!.Text))]);
    }

    /// <summary>Whether <paramref name="answer"/> holds every one of <paramref name="facts"/> (<see cref="ExpectedFacts"/>).</summary>
    public static bool HoldsAll(string answer, IReadOnlyList<string> facts) => ExpectedFacts.HoldsAll(answer, facts);
}
