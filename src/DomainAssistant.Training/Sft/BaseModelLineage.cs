namespace DomainAssistant.Training.Sft;

/// <summary>Where the base model came from: the checkpoint a reader must load under the adapter.</summary>
/// <param name="Path">Folder or file, as a full path.</param>
/// <param name="Sha256">SHA-256 over config.json and the weight files, in name order (see <see cref="Checksums.Model"/>).</param>
public sealed record BaseModelLineage(string Path, string Sha256)
{
    /// <summary>
    /// Names the model at <paramref name="path"/>. Taken by whoever loads the model, before training: trainers get a
    /// loaded model, which no longer knows its files.
    /// </summary>
    public static BaseModelLineage Of(string path) => new(System.IO.Path.GetFullPath(path), Checksums.Model(path));
}
