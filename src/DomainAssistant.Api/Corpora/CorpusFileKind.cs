using System.Text.Json.Serialization;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Api.Corpora;

/// <summary>What an uploaded file is for ("document" or "qa" in JSON).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CorpusFileKind>))]
public enum CorpusFileKind
{
    /// <summary>A document (.md, .txt, .html) for the retrieval index.</summary>
    [JsonStringEnumMemberName("document")]
    Document,

    /// <summary>Question/answer pairs (.jsonl) kept as supervised fine-tuning data.</summary>
    [JsonStringEnumMemberName("qa")]
    QaPairs,
}

/// <summary>The file types an upload may carry, by extension.</summary>
public static class CorpusFileTypes
{
    /// <summary>Extension of Q/A files.</summary>
    public const string QaExtension = ".jsonl";

    /// <summary>Every accepted extension, for messages.</summary>
    public static IReadOnlyList<string> Accepted { get; } = [.. DocumentLoader.SupportedExtensions.Order(StringComparer.Ordinal), QaExtension];

    /// <summary>The kind of a file by its name, or null when the type is not accepted.</summary>
    public static CorpusFileKind? KindOf(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        if (string.Equals(extension, QaExtension, StringComparison.OrdinalIgnoreCase)) return CorpusFileKind.QaPairs;
        return DocumentLoader.SupportedExtensions.Contains(extension) ? CorpusFileKind.Document : null;
    }

    /// <summary>The sub-folder of a corpus version that holds files of <paramref name="kind"/>.</summary>
    public static string FolderOf(CorpusFileKind kind) => kind == CorpusFileKind.QaPairs ? "qa" : UploadedVersions.DocumentsFolderName;
}
