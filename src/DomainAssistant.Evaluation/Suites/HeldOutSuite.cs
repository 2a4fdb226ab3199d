using System.Text.Json;

namespace DomainAssistant.Evaluation.Suites;

/// <summary>One held-out question with its reference answer and the corpus document that answers it.</summary>
/// <param name="Id">The pair's id in heldout.jsonl.</param>
/// <param name="Question">What is asked.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="DocumentId">The source document, relative to the corpus folder (as the retrieval index names documents).</param>
public sealed record HeldOutQuestion(string Id, string Question, string Answer, string DocumentId);

/// <summary>
/// A domain's held-out Q/A pairs (domain.json <c>qa.heldout</c>): never trained on (the grounded data's held-out guard
/// keeps them out), asked to measure answers and retrieval.
/// </summary>
public static class HeldOutSuite
{
    /// <summary>Reads the pairs of <paramref name="path"/>; each names its source relative to <paramref name="domainFolder"/>.</summary>
    /// <exception cref="InvalidDataException">A line lacks a field; the message names the file and line.</exception>
    public static IReadOnlyList<HeldOutQuestion> Read(string path, string domainFolder, string corpusFolder)
    {
        var questions = new List<HeldOutQuestion>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            var pair = json.RootElement;
            string Required(string field) => Text(pair, field) ?? throw new InvalidDataException($"{path}:{lineNumber}: \"{field}\" is required.");
            // The Q/A file names its source relative to the domain folder; chunks name it relative to the corpus folder.
            var source = Path.GetFullPath(Path.Combine(domainFolder, Required("source")));
            var documentId = Path.GetRelativePath(corpusFolder, source).Replace(Path.DirectorySeparatorChar, '/');
            questions.Add(new HeldOutQuestion(Text(pair, "id") ?? $"line{lineNumber}", Required("question"), Required("answer"), documentId));
        }
        return questions;
    }

    static string? Text(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
