using System.Text.Json;
using System.Text.Json.Serialization;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Alignment.Lineage;

/// <summary>An artefact an alignment run started from or compared against, by path and checksum.</summary>
public sealed record ArtefactLineage(string Path, string Sha256);

/// <summary>The feedback a run learned from: the file, its checksum and what the preference filters made of it (window included).</summary>
public sealed record FeedbackLineage(string Path, string Sha256, PreferenceSummary Summary);

/// <summary>
/// lineage.json beside an aligned adapter or a reward model: which base, reference adapter, reward model and feedback
/// window it came from, by which method with which settings and seeds, and what it measured, so an adapter can be
/// traced and its gate results bound to exactly what produced it.
/// </summary>
public sealed record AlignmentLineage
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>"reward-model", "lora-kto" or "lora-rloo".</summary>
    public required string Kind { get; init; }

    /// <summary>SHA-256 of the adapter weights written (for a reward model: of adapter and head, see RewardModelFolder).</summary>
    public required string Sha256 { get; init; }

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

    public required string StopReason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required double DurationSeconds { get; init; }

    public const string FileName = "lineage.json";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Write(string folder) => File.WriteAllText(System.IO.Path.Combine(folder, FileName), ToJson());

    public static AlignmentLineage FromJson(string json) =>
        JsonSerializer.Deserialize<AlignmentLineage>(json, Json) ?? throw new InvalidDataException("lineage.json is empty.");
}
