using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Training.Pretraining;

/// <summary>
/// The lineage of a pretrained base: the model folder by <see cref="Checksums.Model"/> (what adapters trained over it
/// name as their base), made from the corpus folder (by <see cref="DatasetFiles"/>' checksum), with the run's summary
/// as details. Not written beside the base: the folder's checkpoint and marker files already say how it was made.
/// </summary>
public static class PretrainingLineage
{
    public static LineageRecord Of(string corpusFolder, TrainingSummary summary, string producedBy)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var corpus = DatasetFiles.Find(corpusFolder);
        return LineageRecord.Of(ArtifactKind.BaseModel, Checksums.Model(summary.Output), summary.Output,
            [new LineageLink(ArtifactKind.CorpusVersion, corpus.Sha256, corpus.Root)], producedBy, summary);
    }
}
