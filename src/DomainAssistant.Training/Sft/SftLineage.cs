using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Training.Sft;

/// <summary>
/// What fine-tuning knows of what it wrote, the details of its <see cref="LineageRecord"/> (lineage.json beside the
/// adapter or model folder): which base and data it came from, with what settings, how each evaluation went and how
/// long it took, so an adapter can be traced and its gate results tied to exactly what produced it.
/// </summary>
public sealed record SftLineage
{
    /// <summary>The maker that produced <see cref="LineageRecord.ProducedBy"/> records when no command names itself.</summary>
    public const string Trainer = "sft trainer";

    /// <summary>"lora-sft" (an adapter) or "full-sft" (every weight: a model folder).</summary>
    public required string Method { get; init; }

    /// <summary>SHA-256 of the weights file written (adapter_model.safetensors, or model.safetensors with every weight tuned).</summary>
    public required string AdapterSha256 { get; init; }

    public required BaseModelLineage BaseModel { get; init; }
    public required DatasetLineage Dataset { get; init; }
    public required SftOptions Hyperparameters { get; init; }
    public required IReadOnlyList<EpochMetrics> Metrics { get; init; }
    public required double EvalLossBefore { get; init; }
    public required double EvalLossAfter { get; init; }

    /// <summary>The evaluation whose adapter was kept (early stopping keeps the best one).</summary>
    public required double BestEpoch { get; init; }

    public required StopReason StopReason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required double DurationSeconds { get; init; }

    /// <summary>
    /// The record of the folder written: an adapter by its weights file's checksum, a whole model by
    /// <see cref="Checksums.Model"/> (what anything trained over it names as its base); parents the base and the data.
    /// </summary>
    public LineageRecord ToRecord(string outputFolder, string producedBy)
    {
        var full = Method == "full-sft";
        var sha256 = full ? Checksums.Model(outputFolder) : AdapterSha256;
        LineageLink[] parents = [new(ArtifactKind.BaseModel, BaseModel.Sha256, BaseModel.Path), new(ArtifactKind.Dataset, Dataset.Sha256, Dataset.Path)];
        return LineageRecord.Of(full ? ArtifactKind.BaseModel : ArtifactKind.Adapter, sha256, System.IO.Path.GetFullPath(outputFolder), parents, producedBy, this, FinishedAt);
    }
}
