namespace DomainAssistant.Api.Corpora;

/// <summary>A stored corpus version: its folder and manifest.</summary>
/// <param name="Folder">The absolute folder (…/domains/{domain}/corpora/v{N}).</param>
/// <param name="Manifest">What it holds.</param>
public sealed record CorpusVersion(string Folder, CorpusManifest Manifest)
{
    /// <summary>The documents the retrieval index takes in.</summary>
    public string DocumentsFolder => Path.Combine(Folder, CorpusFileTypes.FolderOf(CorpusFileKind.Document));

    /// <summary>
    /// The Q/A files as a dataset for supervised fine-tuning (<c>da train sft --data</c>, <c>SftTrainer.Run</c>); null when
    /// the version holds no Q/A file.
    /// </summary>
    public string? SftDataFolder => Manifest.Files.Any(f => f.Kind == CorpusFileKind.QaPairs) ? Path.Combine(Folder, CorpusFileTypes.FolderOf(CorpusFileKind.QaPairs)) : null;
}
