using DomainAssistant.Training;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>What `da align rm` reports (its --json line) and records in lineage.json.</summary>
public sealed record RewardModelSummary
{
    public required double HeldoutAccuracy { get; init; }
    public required double HeldoutAuc { get; init; }
    public required double Ece { get; init; }
    public required double HeldoutPairAccuracy { get; init; }

    /// <summary>Held-out accuracy of the untrained model (adapter and head as initialised): what training added.</summary>
    public required double HeldoutAccuracyBefore { get; init; }

    public required int TrainExamples { get; init; }
    public required int TrainPairs { get; init; }
    public required int HeldoutExamples { get; init; }
    public required long Steps { get; init; }
    public required double FinalLoss { get; init; }
    public required double Seconds { get; init; }
    public required string Checksum { get; init; }
    public required StopReason StopReason { get; init; }
    public required string Output { get; init; }
}
