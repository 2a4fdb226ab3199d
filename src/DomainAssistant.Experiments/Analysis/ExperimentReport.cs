using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Analysis;

/// <summary>
/// An experiment as an operator reads it: each variant's up-rate with its Wilson interval, the difference with
/// Newcombe's interval and the always-valid decision, the sample ratio checks, and every guardrail's verdict.
/// </summary>
/// <param name="Experiment">The experiment, its evidence including this look.</param>
/// <param name="Variants">Control, then treatment.</param>
/// <param name="Difference">Treatment minus control up-rate.</param>
/// <param name="UsersRatio">Users exposed since the allocation began against the allocation.</param>
/// <param name="RatersRatio">Users who rated since the allocation began against the allocation.</param>
/// <param name="Guardrails">One verdict per guardrail of the experiment.</param>
public sealed record ExperimentReport(
    Experiment Experiment,
    IReadOnlyList<VariantReport> Variants,
    DifferenceReport Difference,
    SampleRatioCheck UsersRatio,
    SampleRatioCheck RatersRatio,
    IReadOnlyList<GuardrailVerdict> Guardrails)
{
    public IEnumerable<GuardrailVerdict> Breached => Guardrails.Where(verdict => verdict.Breached);
}

/// <summary>
/// One arm: its adapter (null = the host's default), share, counts and up-rate among ratings, and the users who rated
/// since the current allocation began (how much the current ramp step has been seen).
/// </summary>
public sealed record VariantReport(
    string Name,
    string? Adapter,
    double Percent,
    long Exposures,
    long Users,
    long RatingsUp,
    long RatingsDown,
    double UpRate,
    ConfidenceInterval UpRateInterval,
    double? LatencyP95,
    long RatersSinceAllocation);

/// <summary>
/// Treatment up-rate minus control up-rate: the estimate with Newcombe's fixed-sample interval (for reading), and the
/// always-valid evidence and decision (for acting while data still arrive).
/// </summary>
public sealed record DifferenceReport(double Estimate, ConfidenceInterval Interval, SequentialEvidence Sequential)
{
    public ExperimentDecision Decision => Sequential.Decision;
}
