using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Citation precision and the false decline rate on held-out (answerable) questions, from the host's own lineage:
/// each answer's <c>domain_assistant.citations[].source</c> against the document the question's pair names as source.
/// <list type="bullet">
/// <item><b>Citation precision</b>: of the answers that cite at least one chunk, the share whose cited chunks all come
/// from the gold document (<see cref="Result.AllGold"/>); <see cref="Result.SomeGold"/> is the lenient view (at least
/// one cited chunk from the gold document).</item>
/// <item><b>False decline rate</b>: of the answered held-out questions, the share answered with a decline
/// (<see cref="Declines"/>): every held-out question is answerable from the corpus.</item>
/// </list>
/// </summary>
public static class CitationPrecision
{
    /// <param name="Answered">Held-out questions answered (failed requests left out).</param>
    /// <param name="Citing">Answers citing at least one chunk.</param>
    /// <param name="AllGold">Of those, answers whose cited chunks all come from the gold document.</param>
    /// <param name="SomeGold">Of those, answers citing at least one chunk of the gold document.</param>
    /// <param name="Declined">Answers that are declines.</param>
    /// <param name="CorrectCiting">Citing answers that are also correct (key facts).</param>
    public sealed record Result(int Answered, int Citing, int AllGold, int SomeGold, int Declined, int CorrectCiting);

    /// <summary>Counts over the answers of <see cref="AnswerAccuracy.MeasureAsync"/>.</summary>
    public static Result Of(IReadOnlyList<HeldOutAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var answered = answers.Where(a => a.Answer is not null).ToList();
        var citing = answered.Where(a => a.Answer!.CitedSources.Count > 0).ToList();
        return new Result(answered.Count, citing.Count,
            citing.Count(a => a.Answer!.CitedSources.All(s => s == a.Question.DocumentId)),
            citing.Count(a => a.Answer!.CitedSources.Contains(a.Question.DocumentId)),
            answered.Count(a => a.Declined),
            citing.Count(a => a.Correct));
    }
}
