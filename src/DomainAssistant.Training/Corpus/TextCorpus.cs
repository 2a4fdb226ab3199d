using System.Text.Json;

namespace DomainAssistant.Training.Corpus;

/// <summary>
/// The training text in a folder: every .txt, .md and .jsonl file below it, in ordinal path order (so two runs on
/// the same folder see the same text in the same order).
/// </summary>
/// <remarks>
/// A .txt or .md file is one document. A .jsonl file holds one JSON object per line; each of its text fields
/// (<see cref="JsonlTextFields"/>) is one document, and blank lines are skipped.
/// Bad input is refused, not skipped: a file that is not UTF-8, a line that is not a JSON object, or an object with
/// none of the text fields throws <see cref="InvalidDataException"/> naming the file and line. Skipping would train
/// on less than the folder holds without anyone noticing; refusing costs one fix and keeps runs reproducible.
/// </remarks>
public sealed class TextCorpus
{
    /// <summary>File extensions read, compared without case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".txt", ".md", ".jsonl"];

    /// <summary>JSON Lines fields whose string values are training text: chat pairs, Q&amp;A pairs, plain text.</summary>
    public static IReadOnlyList<string> JsonlTextFields { get; } = ["prompt", "response", "question", "answer", "text"];

    /// <summary>Opens <paramref name="folder"/>; throws when it is missing or holds no corpus files.</summary>
    public TextCorpus(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"corpus folder '{folder}' does not exist.");
        Folder = folder;
        Files = [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                             .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                             .Order(StringComparer.Ordinal)];
        if (Files.Count == 0) throw new InvalidDataException($"corpus folder '{folder}' holds no {string.Join(", ", Extensions)} files.");
    }

    public string Folder { get; }

    /// <summary>The corpus files, full paths in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Size of all corpus files on disk.</summary>
    public long TotalBytes => Files.Sum(file => new FileInfo(file).Length);

    /// <summary>Every document, file by file; a file is read (and validated) when enumeration reaches it.</summary>
    public IEnumerable<string> ReadDocuments() => Files.SelectMany(ReadFile);

    static IEnumerable<string> ReadFile(string path)
    {
        var text = Utf8TextFile.Read(path);
        return string.Equals(Path.GetExtension(path), ".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJsonLines(path, text) : [text];
    }

    static IEnumerable<string> ReadJsonLines(string path, string text)
    {
        using var reader = new StringReader(text);
        var number = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            foreach (var document in TextFields(path, number, line)) yield return document;
        }
    }

    static List<string> TextFields(string path, int line, string json)
    {
        JsonDocument record;
        try
        {
            record = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"corpus file '{path}' line {line}: not valid JSON ({error.Message}).", error);
        }
        using (record)
        {
            if (record.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"corpus file '{path}' line {line}: expected a JSON object, got {record.RootElement.ValueKind}.");
            var texts = new List<string>();
            foreach (var field in JsonlTextFields)
            {
                if (!record.RootElement.TryGetProperty(field, out var value)) continue;
                if (value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"corpus file '{path}' line {line}: field '{field}' is {value.ValueKind}, not a string.");
                texts.Add(StringValue(value, path, line, field));
            }
            if (texts.Count == 0)
                throw new InvalidDataException($"corpus file '{path}' line {line}: none of the text fields {string.Join(", ", JsonlTextFields)}.");
            return texts;
        }
    }

    // A JSON escape can spell a lone surrogate ("\ud800"), which is not text: refuse it like invalid UTF-8.
    static string StringValue(JsonElement value, string path, int line, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidDataException($"corpus file '{path}' line {line}: field '{field}' is not valid Unicode ({error.Message}).", error);
        }
    }
}
