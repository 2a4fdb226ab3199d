using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Alignment.Lineage;

/// <summary>An artefact an alignment run started from or compared against, by path and checksum.</summary>
public sealed record ArtefactLineage(string Path, string Sha256);

/// <summary>The feedback a run learned from: the file, its checksum and what the preference filters made of it (window included).</summary>
public sealed record FeedbackLineage(string Path, string Sha256, PreferenceSummary Summary);

/// <summary>
/// What an alignment run knows of the adapter or reward model it wrote, the details of its <see cref="LineageRecord"/>
/// (lineage.json beside it): which base, reference adapter, reward model and feedback window it came from, by which
/// method with which settings and seeds, and what it measured, so an adapter can be traced and its gate results bound
/// to exactly what produced it.
/// </summary>
public sealed record AlignmentLineage
{
    /// <summary>"reward-model", "lora-kto" or "lora-rloo".</summary>
    public required string Method { get; init; }

    public required BaseModelLineage BaseModel { get; init; }

    /// <summary>The adapter the run started from and kept its KL to (null: a fresh LoRA over the base, the base the reference).</summary>
    public ArtefactLineage? ReferenceAdapter { get; init; }

    /// <summary>The reward model that scored samples (RLOO only).</summary>
    public ArtefactLineage? RewardModel { get; init; }

    /// <summary>The feedback learned from (reward model and KTO).</summary>
    public FeedbackLineage? Feedback { get; init; }

    /// <summary>The prompts sampled from (RLOO).</summary>
    public ArtefactLineage? Prompts { get; init; }

    /// <summary>Every setting of the run, seeds included.</summary>
    public required object Hyperparameters { get; init; }

    /// <summary>What the run measured (losses, KL, rewards, held-out metrics).</summary>
    public required object Metrics { get; init; }

    public required StopReason StopReason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required double DurationSeconds { get; init; }

    /// <summary>The record of what was written: parents the base, the reference adapter, the reward model and the data.</summary>
    /// <param name="kind">An adapter, or a reward model.</param>
    /// <param name="sha256">The checksum of what was written (for a reward model: of adapter and head, see RewardModelFolder).</param>
    /// <param name="folder">The folder written.</param>
    /// <param name="producedBy">The command or job that ran.</param>
    public LineageRecord ToRecord(ArtifactKind kind, string sha256, string folder, string producedBy)
    {
        var parents = new List<LineageLink> { new(ArtifactKind.BaseModel, BaseModel.Sha256, BaseModel.Path) };
        if (ReferenceAdapter is { } reference) parents.Add(new(ArtifactKind.Adapter, reference.Sha256, reference.Path));
        if (RewardModel is { } rewardModel) parents.Add(new(ArtifactKind.RewardModel, rewardModel.Sha256, rewardModel.Path));
        if (Feedback is { } feedback) parents.Add(new(ArtifactKind.Dataset, feedback.Sha256, feedback.Path));
        if (Prompts is { } prompts) parents.Add(new(ArtifactKind.Dataset, prompts.Sha256, prompts.Path));
        return LineageRecord.Of(kind, sha256, System.IO.Path.GetFullPath(folder), parents, producedBy, this, FinishedAt);
    }
}
