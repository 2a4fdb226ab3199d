using DomainAssistant.Training;

namespace DomainAssistant.Alignment.Rloo;

/// <summary>What `da align rl` reports (its --json line) and records in lineage.json.</summary>
public sealed record RlooSummary
{
    /// <summary>Mean reward-model score of answers sampled on held-out prompts under the reference.</summary>
    public required double RewardBefore { get; init; }

    /// <summary>The same under the new adapter.</summary>
    public required double RewardAfter { get; init; }

    /// <summary>Mean per-answer KL of the new adapter to the reference on held-out prompts (nats, Σ_t log πθ/πref over sampled answers).</summary>
    public required double Kl { get; init; }

    /// <summary>Training prompts.</summary>
    public required int Prompts { get; init; }

    public required int HeldoutPrompts { get; init; }
    public required int SamplesPerPrompt { get; init; }

    /// <summary>Answer tokens sampled per second of generation (batched decoding).</summary>
    public required double TokensPerSecond { get; init; }

    public required double GenerationSeconds { get; init; }
    public required double OptimisationSeconds { get; init; }
    public required long Iterations { get; init; }
    public required long OptimizerSteps { get; init; }

    /// <summary>Mean total reward (score + rule − β KL) of the last iteration's samples.</summary>
    public required double LastTrainReward { get; init; }

    /// <summary>schedule, time_limit, cancelled, diverged or kl_bound.</summary>
    public required StopReason StopReason { get; init; }

    public required bool Resumed { get; init; }
    public required string AdapterSha256 { get; init; }
    public required string Output { get; init; }
}
