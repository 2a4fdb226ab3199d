namespace DomainAssistant.Training.Sft;

/// <summary>Where the base model came from: the checkpoint a reader must load under the adapter.</summary>
/// <param name="Path">Folder or file as given.</param>
/// <param name="Sha256">SHA-256 over config.json and the weight files, in name order (see <see cref="Checksums.Model"/>).</param>
public sealed record BaseModelLineage(string Path, string Sha256);
