using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>One held-out question as the host answered it.</summary>
/// <param name="Question">The question, its reference answer and gold document.</param>
/// <param name="Answer">The host's answer; null when the request failed.</param>
/// <param name="Correct">The answer holds the reference's key facts (<see cref="KeyFacts.Contains"/>).</param>
/// <param name="Declined">The answer is a decline (<see cref="Declines.IsDecline"/>).</param>
public sealed record HeldOutAnswer(HeldOutQuestion Question, CompletionAnswer? Answer, bool Correct, bool Declined);

/// <summary>
/// Answer accuracy on a domain's held-out questions through the host's chat pipeline (retrieval plugin, grounded
/// prompt, served model and adapter), asked one at a time over the OpenAI-compatible endpoint with temperature 0 so
/// the figure is deterministic (<see cref="CompletionClient"/>). Correctness is <see cref="KeyFacts.Contains"/>.
/// Every answer is kept for the grounding figures (<see cref="CitationPrecision"/>, <see cref="ErrorSources"/>).
/// </summary>
public static class AnswerAccuracy
{
    /// <param name="Questions">Held-out questions asked.</param>
    /// <param name="Correct">Answers holding the reference's key facts.</param>
    /// <param name="WithFacts">Questions whose reference has numbers or codes.</param>
    /// <param name="CorrectWithFacts">Of those, answers holding all of them.</param>
    /// <param name="MeanTokenF1">Mean SQuAD token F1 against the reference.</param>
    /// <param name="CitingSource">Answers citing a chunk of the pair's source document.</param>
    /// <param name="MeanCompletionTokens">Mean answer length in tokens (the host's usage count).</param>
    /// <param name="Errors">Requests that failed.</param>
    /// <param name="FirstError">The first failed request's status and body; null when none failed.</param>
    /// <param name="Examples">A few (question, reference, answer) triples for the report.</param>
    /// <param name="Stored">Each answer's stored message id with the document that answers its question (for <see cref="PromptContext"/>).</param>
    /// <param name="Answers">Every question with its answer, in the order asked.</param>
    public sealed record Result(int Questions, int Correct, int WithFacts, int CorrectWithFacts, double MeanTokenF1, int CitingSource,
        double MeanCompletionTokens, int Errors, string? FirstError, IReadOnlyList<(string Question, string Reference, string Answer)> Examples,
        IReadOnlyList<(Guid MessageId, string DocumentId)> Stored, IReadOnlyList<HeldOutAnswer> Answers);

    /// <summary>Asks the first <paramref name="limit"/> held-out questions (all when null).</summary>
    public static async Task<Result> MeasureAsync(HttpClient http, SampleDomain domain, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(domain);
        var questions = domain.HeldOut.Take(limit ?? int.MaxValue).ToList();
        int correct = 0, withFacts = 0, correctWithFacts = 0, citing = 0, errors = 0;
        double f1 = 0, completionTokens = 0;
        var examples = new List<(string, string, string)>();
        string? firstError = null;
        var stored = new List<(Guid, string)>();
        var answers = new List<HeldOutAnswer>();
        foreach (var question in questions)
        {
            var (answer, error) = await CompletionClient.AskAsync(http, domain.Name, question.Question);
            if (answer is null)
            {
                errors++;
                firstError ??= error;
                answers.Add(new HeldOutAnswer(question, null, false, false));
                continue;
            }
            var ok = KeyFacts.Contains(answer.Text, question.Answer);
            answers.Add(new HeldOutAnswer(question, answer, ok, Declines.IsDecline(answer.Text, domain.Decline)));
            correct += ok ? 1 : 0;
            if (KeyFacts.Of(question.Answer).Count > 0)
            {
                withFacts++;
                correctWithFacts += ok ? 1 : 0;
            }
            f1 += KeyFacts.TokenF1(answer.Text, question.Answer);
            citing += answer.CitedSources.Contains(question.DocumentId) ? 1 : 0;
            completionTokens += answer.CompletionTokens;
            if (answer.MessageId is { } id) stored.Add((id, question.DocumentId));
            if (examples.Count < 3) examples.Add((question.Question, question.Answer, answer.Text));
        }
        var answered = Math.Max(1, questions.Count - errors);
        return new Result(questions.Count, correct, withFacts, correctWithFacts, f1 / answered, citing, completionTokens / answered, errors, firstError,
            examples, stored, answers);
    }
}
