using System.Buffers;
using System.Text;
using System.Text.Unicode;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Checks an uploaded file's content before anything is stored: strict UTF-8 (the first bad byte's line is named),
/// documents that hold some text, and Q/A files whose every non-blank line is a pair the SFT trainer reads
/// (<c>question</c>/<c>answer</c>, <c>prompt</c>/<c>response</c> or a <c>messages</c> conversation).
/// </summary>
public static class CorpusFileCheck
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The checked file.</summary>
    /// <exception cref="CorpusUploadException">400 naming the file (and line) and the problem.</exception>
    public static UploadedFile Check(string name, CorpusFileKind kind, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = Decode(name, content);
        if (kind == CorpusFileKind.QaPairs) return new UploadedFile(name, kind, content, CountPairs(name, text));
        var plain = Path.GetExtension(name).ToLowerInvariant() is ".html" or ".htm" ? HtmlText.Extract(text).Text : text;
        if (string.IsNullOrWhiteSpace(plain)) throw CorpusUploadException.Invalid($"{name}: the document has no text.", name);
        return new UploadedFile(name, kind, content, 0);
    }

    static string Decode(string name, byte[] content)
    {
        var bytes = content.AsSpan();
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        var status = Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var line = bytes[..read].Count((byte)'\n') + 1;
            throw CorpusUploadException.Invalid($"{name} line {line}: not valid UTF-8 (byte offset {read + content.Length - bytes.Length}); save the file as UTF-8.", name, line);
        }
        return StrictUtf8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    static int CountPairs(string name, string text)
    {
        var pairs = 0;
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            InstructionRecord record;
            try
            {
                record = InstructionRecord.Parse(line, systemPrompt: null);
            }
            catch (Exception error) when (error is InvalidDataException or ArgumentException)
            {
                throw CorpusUploadException.Invalid($"{name} line {number}: {error.Message}.", name, number);
            }
            if (record.Messages is null)
                throw CorpusUploadException.Invalid($"{name} line {number}: a \"text\" line is not a question/answer pair; use \"question\"/\"answer\" or \"prompt\"/\"response\".", name, number);
            pairs++;
        }
        if (pairs == 0) throw CorpusUploadException.Invalid($"{name}: no question/answer pair in the file.", name);
        return pairs;
    }
}
