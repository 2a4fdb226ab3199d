using System.Net.Http.Json;
using System.Text.Json;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Answer accuracy on a domain's held-out questions through the host's chat pipeline (retrieval plugin, grounded
/// prompt, served model and adapter), asked one at a time over the OpenAI-compatible endpoint with temperature 0 so
/// the figure is deterministic (<c>/api/chat</c> takes no sampling options and samples at the domain's temperature).
/// Correctness is <see cref="KeyFacts.Contains"/>.
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
    public sealed record Result(int Questions, int Correct, int WithFacts, int CorrectWithFacts, double MeanTokenF1, int CitingSource,
        double MeanCompletionTokens, int Errors, string? FirstError, IReadOnlyList<(string Question, string Reference, string Answer)> Examples,
        IReadOnlyList<(Guid MessageId, string DocumentId)> Stored);

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
        foreach (var question in questions)
        {
            var (answer, error) = await AskAsync(http, domain.Name, question.Question);
            if (answer is null)
            {
                errors++;
                firstError ??= error;
                continue;
            }
            var ok = KeyFacts.Contains(answer.Text, question.Answer);
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
        return new Result(questions.Count, correct, withFacts, correctWithFacts, f1 / answered, citing, completionTokens / answered, errors, firstError, examples, stored);
    }

    sealed record Answer(string Text, int CompletionTokens, IReadOnlySet<string> CitedSources, Guid? MessageId);

    static async Task<(Answer? Answer, string? Error)> AskAsync(HttpClient http, string domain, string question)
    {
        var body = new { model = domain, temperature = 0, messages = new[] { new { role = "user", content = question } } };
        using var response = await http.PostAsJsonAsync(new Uri("v1/chat/completions", UriKind.Relative), body);
        if (!response.IsSuccessStatusCode) return (null, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var text = root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
        var tokens = root.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        if (!root.TryGetProperty("domain_assistant", out var lineage)) return (new Answer(text, tokens, new HashSet<string>(), null), null);
        var cited = lineage.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("source").GetString() ?? "").ToHashSet(StringComparer.Ordinal);
        return (new Answer(text, tokens, cited, lineage.GetProperty("message_id").GetGuid()), null);
    }
}
