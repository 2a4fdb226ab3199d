using DomainAssistant.Training;

namespace DomainAssistant.Alignment.Kto;

/// <summary>What `da align kto` reports (its --json line) and records in lineage.json.</summary>
public sealed record KtoSummary
{
    /// <summary>KL estimate z₀ of the final policy from the reference over all training examples (nats per answer).</summary>
    public required double Kl { get; init; }

    /// <summary>
    /// The same mean log-ratio before clamping at 0: negative when the policy mostly lowered the probability of
    /// answers that belong to other prompts (down-voted answers often look like those), which z₀ reports as 0.
    /// </summary>
    public required double KlUnclamped { get; init; }

    /// <summary>Answers voted up that trained.</summary>
    public required int Desirable { get; init; }

    /// <summary>Answers voted down that trained.</summary>
    public required int Undesirable { get; init; }

    public required double DesirableWeight { get; init; }
    public required double UndesirableWeight { get; init; }

    /// <summary>Mean implied reward r of up answers minus that of down answers, under the final policy (0 at the start).</summary>
    public required double RewardMargin { get; init; }

    public required long Steps { get; init; }
    public required double FinalLoss { get; init; }
    public required double TokensPerSecond { get; init; }
    public required double Seconds { get; init; }

    /// <summary>schedule, time_limit, cancelled, diverged (NaN/Inf) or kl_bound.</summary>
    public required StopReason StopReason { get; init; }

    /// <summary>Whether the run continued from a checkpoint.</summary>
    public required bool Resumed { get; init; }

    public required string AdapterSha256 { get; init; }
    public required string Output { get; init; }
}
