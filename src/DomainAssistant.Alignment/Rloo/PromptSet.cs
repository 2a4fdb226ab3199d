using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>A prompts file read (<see cref="PromptFile"/>), with its path and checksum kept for lineage.</summary>
/// <param name="Prompts">The prompts, in file order.</param>
/// <param name="Path">The file as given.</param>
/// <param name="Sha256">The file's SHA-256.</param>
public sealed record PromptSet(IReadOnlyList<RlPrompt> Prompts, string Path, string Sha256)
{
    public static PromptSet Read(string path) => new(PromptFile.Read(path), path, DatasetFiles.FileSha256(path));

    /// <summary>The prompts as lineage.json records them: the full path and checksum.</summary>
    public ArtefactLineage Lineage => new(System.IO.Path.GetFullPath(Path), Sha256);
}
