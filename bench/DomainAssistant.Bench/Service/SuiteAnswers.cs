using DomainAssistant.Evaluation.Suites;

namespace DomainAssistant.Bench.Service;

/// <summary>A suite question as the host answered it.</summary>
/// <param name="Question">The suite question.</param>
/// <param name="Answer">The host's answer; null when the request failed.</param>
/// <param name="Error">Why the request failed; null when it did not.</param>
public sealed record SuiteAnswer(SuiteQuestion Question, CompletionAnswer? Answer, string? Error);

/// <summary>Asks an evaluation suite's questions (<see cref="EvalSuite"/>) of the host.</summary>
public static class SuiteAnswers
{
    /// <summary>eval-suites/<paramref name="domain"/>/<paramref name="file"/> in the repository; null when the domain has no such suite.</summary>
    public static IReadOnlyList<SuiteQuestion>? Load(string domain, string file) =>
        EvalSuite.Load(EvalSuite.PathOf(Path.Combine(SampleDomain.RepositoryRoot(), "eval-suites"), domain, file));

    /// <summary>Asks every question, one at a time, through <see cref="CompletionClient"/>.</summary>
    public static async Task<IReadOnlyList<SuiteAnswer>> AskAsync(HttpClient http, string domain, IReadOnlyList<SuiteQuestion> questions)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var answers = new List<SuiteAnswer>(questions.Count);
        foreach (var question in questions)
        {
            var (answer, error) = await CompletionClient.AskAsync(http, domain, question.Question);
            answers.Add(new SuiteAnswer(question, answer, error));
        }
        return answers;
    }
}
