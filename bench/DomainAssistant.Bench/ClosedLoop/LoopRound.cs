using System.Text.Json.Serialization;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>Minutes one round spent in each stage.</summary>
public sealed record StageMinutes(
    [property: JsonPropertyName("traffic")] double Traffic,
    [property: JsonPropertyName("reward_model")] double RewardModel,
    [property: JsonPropertyName("policy")] double Policy,
    [property: JsonPropertyName("gate")] double Gate,
    [property: JsonPropertyName("experiment")] double Experiment);

/// <summary>One round of the loop as the harness saw it (the <c>--json</c> line's <c>rounds</c> entries).</summary>
public sealed record LoopRound(
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("feedbacks")] int Feedbacks,
    [property: JsonPropertyName("rm_heldout_auc")] double? RewardModelHeldOutAuc,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("kl")] double? Kl,
    [property: JsonPropertyName("gate")] string Gate,
    [property: JsonPropertyName("experiment_decision")] string ExperimentDecision,
    [property: JsonPropertyName("up_rate_control")] double? UpRateControl,
    [property: JsonPropertyName("up_rate_treatment")] double? UpRateTreatment,
    [property: JsonPropertyName("diff_ci_low")] double? DifferenceLow,
    [property: JsonPropertyName("diff_ci_high")] double? DifferenceHigh,
    [property: JsonPropertyName("heldout_accuracy")] double? HeldOutAccuracy,
    [property: JsonPropertyName("minutes")] StageMinutes Minutes);

/// <summary>
/// The whole run: its rounds and the production adapter's lift in thumbs-up rate over round 0's on fresh traffic.
/// <c>production_changed</c> is false when no round promoted an adapter: the "lift" then compares two samples of the
/// same adapter, a check of the measurement's noise, not a gain.
/// </summary>
public sealed record LoopOutcome(
    [property: JsonPropertyName("rounds")] IReadOnlyList<LoopRound> Rounds,
    [property: JsonPropertyName("lift")] double? Lift,
    [property: JsonPropertyName("lift_ci_low")] double? LiftLow,
    [property: JsonPropertyName("lift_ci_high")] double? LiftHigh,
    [property: JsonPropertyName("production_changed")] bool ProductionChanged)
{
    /// <summary>Whether a round's experiment promoted its adapter (the product's status, first word of <see cref="LoopRound.ExperimentDecision"/>).</summary>
    public static bool Promoted(LoopRound round) => (round ?? throw new ArgumentNullException(nameof(round))).ExperimentDecision.StartsWith("promoted", StringComparison.Ordinal);

    /// <summary>What the lift means, said in the report beside it (not in the JSON line, whose keys the issue fixes:
    /// <c>production_changed</c> carries the same fact there).</summary>
    [JsonIgnore]
    public string LiftMeaning => ProductionChanged
        ? "production at the end is an adapter a round promoted"
        : "no round promoted an adapter, so production at the end is the round-0 adapter and this difference is two samples of the same adapter (the measurement's noise), not lift";
}
