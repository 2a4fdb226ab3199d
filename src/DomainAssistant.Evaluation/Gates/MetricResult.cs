namespace DomainAssistant.Evaluation.Gates;

/// <summary>One metric's outcome in a gate.</summary>
/// <param name="Metric">What was measured.</param>
/// <param name="Cases">Cases that counted for the candidate.</param>
/// <param name="Candidate">The candidate's estimate.</param>
/// <param name="CandidateInterval">Its bootstrap interval.</param>
/// <param name="Baseline">The baseline's estimate (null for a candidate-only metric).</param>
/// <param name="BaselineInterval">Its bootstrap interval.</param>
/// <param name="Difference">Interval of candidate minus baseline over the same cases (paired), or null.</param>
/// <param name="Threshold">What the suite demands.</param>
/// <param name="Passed">Whether the candidate meets it.</param>
/// <param name="Reason">Why it passed or failed, in words.</param>
public sealed record MetricResult(GateMetric Metric, int Cases, double Candidate, Interval CandidateInterval, double? Baseline, Interval? BaselineInterval,
    Interval? Difference, MetricThreshold Threshold, bool Passed, string Reason);
