using System.Text.Json;

namespace DomainAssistant.Grounding;

/// <summary>One line of a domain's Q/A file: a question, its reference answer and the corpus file it comes from.</summary>
/// <param name="Question">As a user would ask it.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="Source">The answering document, relative to the domain folder ("corpus/0004-....md"), or null.</param>
public sealed record QaPair(string Question, string Answer, string? Source)
{
    /// <summary>Reads a Q/A JSON Lines file; a line without a question or answer is an error naming file and line.</summary>
    public static IReadOnlyList<QaPair> Read(string path)
    {
        var pairs = new List<QaPair>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Line? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<Line>(line, Json);
            }
            catch (JsonException error)
            {
                throw new InvalidDataException($"{path}:{number}: not valid JSON ({error.Message}).", error);
            }
            if (parsed?.Question is not { Length: > 0 } question || parsed.Answer is not { Length: > 0 } answer)
                throw new InvalidDataException($"{path}:{number}: needs a non-empty \"question\" and \"answer\".");
            pairs.Add(new QaPair(question, answer, parsed.Source));
        }
        return pairs;
    }

    sealed record Line(string? Question, string? Answer, string? Source);

    static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
}
