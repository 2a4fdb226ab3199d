using System.Text;
using DomainAssistant.Grounding;
using DomainAssistant.Training.Corpus;

namespace DomainAssistant.Training.Data;

/// <summary>
/// Fine-tuning data read from a file or folder: JSON Lines of conversations or documents (see
/// <see cref="InstructionRecord"/>) and .txt/.md documents for continued pretraining.
/// </summary>
/// <remarks>
/// Corrupt lines (not UTF-8, not JSON, no usable fields, a template that cannot split them) are never dropped
/// silently: each becomes a <see cref="DataIssue"/> naming file and line. By default they are skipped and reported;
/// with strict loading the first one refuses the whole dataset. Either way, a dataset with no usable example is refused.
/// </remarks>
public sealed class SftData
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    SftData(string source, DatasetFiles files, List<TrainingExample> examples, List<DataIssue> issues)
    {
        Source = source;
        Files = files;
        Examples = examples;
        Issues = issues;
    }

    /// <summary>The file or folder read, as a full path (what lineage names).</summary>
    public string Source { get; }

    public DatasetFiles Files { get; }
    public IReadOnlyList<TrainingExample> Examples { get; }

    /// <summary>Lines that were skipped, with why.</summary>
    public IReadOnlyList<DataIssue> Issues { get; }

    /// <summary>Reads and encodes <paramref name="path"/>.</summary>
    /// <param name="path">A .jsonl, .txt or .md file, or a folder of them.</param>
    /// <param name="encoder">The model's tokenizer and chat template.</param>
    /// <param name="systemPrompt">System message for conversations without one (null: none).</param>
    /// <param name="strict">Refuse the dataset at the first bad line instead of skipping it.</param>
    public static SftData Load(string path, ExampleEncoder encoder, string? systemPrompt = null, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var files = DatasetFiles.Find(path);
        var (examples, issues) = (new List<TrainingExample>(), new List<DataIssue>());
        foreach (var file in files.Files)
        {
            if (string.Equals(Path.GetExtension(file), ".jsonl", StringComparison.OrdinalIgnoreCase))
                ReadJsonLines(file, encoder, systemPrompt, examples, issues, strict);
            else examples.Add(encoder.Document(Utf8TextFile.Read(file), file));
        }
        if (examples.Count == 0)
            throw new InvalidDataException($"no usable training example in '{path}'" + (issues.Count > 0 ? $"; first problem: {issues[0]}" : "."));
        return new SftData(Path.GetFullPath(path), files, examples, issues);
    }

    static void ReadJsonLines(string file, ExampleEncoder encoder, string? systemPrompt, List<TrainingExample> examples, List<DataIssue> issues, bool strict)
    {
        var lines = File.ReadAllBytes(file).AsSpan();
        var number = 0;
        while (!lines.IsEmpty)
        {
            number++;
            var end = lines.IndexOf((byte)'\n');
            var bytes = end < 0 ? lines : lines[..end];
            lines = end < 0 ? [] : lines[(end + 1)..];
            if (number == 1 && bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // a byte order mark
            try
            {
                var line = StrictUtf8.GetString(bytes);
                if (string.IsNullOrWhiteSpace(line)) continue;
                var record = InstructionRecord.Parse(line, systemPrompt);
                var source = $"{file}:{number}";
                examples.Add(record.Messages is { } messages ? encoder.Conversation(messages, source) : encoder.Document(record.Text!, source));
            }
            catch (Exception error) when (error is InvalidDataException or DecoderFallbackException or ArgumentException)
            {
                var issue = new DataIssue(file, number, error is DecoderFallbackException ? "not valid UTF-8" : error.Message);
                if (strict) throw new InvalidDataException($"{issue} (strict: the dataset is refused)", error);
                issues.Add(issue);
            }
        }
    }
}
