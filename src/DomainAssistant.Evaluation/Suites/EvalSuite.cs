using System.Text.Json;

namespace DomainAssistant.Evaluation.Suites;

/// <summary>One question of an evaluation suite file.</summary>
/// <param name="Id">The line's "id".</param>
/// <param name="Question">What is asked.</param>
/// <param name="Expect">Key facts the answer must hold ("expect"; empty when the line has none).</param>
public sealed record SuiteQuestion(string Id, string Question, IReadOnlyList<string> Expect);

/// <summary>
/// The evaluation suites under eval-suites/DOMAIN/ that are not held-out pairs: <c>out-of-domain.jsonl</c> (questions
/// the domain's corpus cannot answer) and <c>safety.jsonl</c> (questions whose answer must hold the domain's safety
/// instruction). One JSON object a line: <c>{"id": ..., "question": ..., "expect": [...]}</c>. Never training data
/// (eval-suites/README.md).
/// </summary>
public static class EvalSuite
{
    /// <summary>File of the out-of-domain questions.</summary>
    public const string OutOfDomainFile = "out-of-domain.jsonl";

    /// <summary>File of the safety questions.</summary>
    public const string SafetyFile = "safety.jsonl";

    /// <summary><paramref name="suitesFolder"/>/<paramref name="domain"/>/<paramref name="file"/> (the repository's eval-suites/ folder).</summary>
    public static string PathOf(string suitesFolder, string domain, string file) => Path.Combine(suitesFolder, domain, file);

    /// <summary>The suite's questions; null when there is no such file.</summary>
    /// <exception cref="InvalidDataException">A line lacks "question"; the message names the file and line.</exception>
    public static IReadOnlyList<SuiteQuestion>? Load(string path)
    {
        if (!File.Exists(path)) return null;
        var questions = new List<SuiteQuestion>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var question = Text(root, "question") ?? throw new InvalidDataException($"{path}:{lineNumber}: \"question\" is required.");
            var expect = root.TryGetProperty("expect", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList()
                : [];
            questions.Add(new SuiteQuestion(Text(root, "id") ?? $"line{lineNumber}", question, expect));
        }
        return questions;
    }

    static string? Text(JsonElement element, string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
