namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// What a suite demands of one metric: an absolute bound (<see cref="Min"/> for a metric where higher is better,
/// <see cref="Max"/> where lower is), and/or how much worse than the baseline the candidate may be
/// (<see cref="MaxDrop"/>, in the metric's own units: a fall for higher-is-better, a rise for lower-is-better).
/// </summary>
public sealed record MetricThreshold(GateMetric Metric, double? Min = null, double? Max = null, double? MaxDrop = null)
{
    public MetricDirection Direction => Metric.Direction();
}
