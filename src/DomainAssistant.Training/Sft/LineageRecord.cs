using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Training.Sft;

/// <summary>One epoch (or part of one, when evaluated mid-epoch or at a time limit) of fine-tuning.</summary>
/// <param name="Epoch">1-based; fractional when evaluated within an epoch.</param>
/// <param name="Step">Optimizer steps so far.</param>
/// <param name="TrainLoss">Mean training loss of the steps since the previous evaluation.</param>
/// <param name="EvalLoss">Held-out loss after those steps.</param>
/// <param name="Tokens">Training tokens so far.</param>
/// <param name="Seconds">Wall seconds since training started.</param>
public sealed record EpochMetrics(double Epoch, long Step, double TrainLoss, double EvalLoss, long Tokens, double Seconds);

/// <summary>Where the base model came from: the checkpoint a reader must load under the adapter.</summary>
/// <param name="Path">Folder or file as given.</param>
/// <param name="Sha256">SHA-256 over config.json and the weight files, in name order (see <see cref="Checksums.Model"/>).</param>
public sealed record BaseModelLineage(string Path, string Sha256);

/// <summary>The data an adapter was trained on.</summary>
public sealed record DatasetLineage
{
    public required string Path { get; init; }
    public required string Sha256 { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public required int TrainExamples { get; init; }
    public required int EvalExamples { get; init; }

    /// <summary>Conversations cut short to fit a row.</summary>
    public required int Truncated { get; init; }

    /// <summary>Lines skipped as corrupt, each "file:line: problem".</summary>
    public required IReadOnlyList<string> SkippedLines { get; init; }
}

/// <summary>
/// lineage.json beside a PEFT adapter: which base and data it came from, with what settings, how each epoch went and
/// how long it took, so an adapter can be traced and its gate results tied to exactly what produced it.
/// </summary>
public sealed record LineageRecord
{
    public const string FileName = "lineage.json";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Kind { get; init; } = "lora-sft";
    public required string AdapterSha256 { get; init; }
    public required BaseModelLineage BaseModel { get; init; }
    public required DatasetLineage Dataset { get; init; }
    public required SftOptions Hyperparameters { get; init; }
    public required IReadOnlyList<EpochMetrics> Metrics { get; init; }
    public required double EvalLossBefore { get; init; }
    public required double EvalLossAfter { get; init; }

    /// <summary>The evaluation whose adapter was kept (early stopping keeps the best one).</summary>
    public required double BestEpoch { get; init; }

    public required string StopReason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required double DurationSeconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LineageRecord FromJson(string json) =>
        JsonSerializer.Deserialize<LineageRecord>(json, Json) ?? throw new InvalidDataException("lineage.json is empty.");
}
