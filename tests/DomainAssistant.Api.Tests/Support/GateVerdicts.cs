using DomainAssistant.Evaluation.Gates;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Gate verdicts written straight into a host's store, for tests about what a verdict allows rather than how a gate reaches it.</summary>
public static class GateVerdicts
{
    /// <summary>A passing verdict on the adapter whose weights have <paramref name="sha256"/>.</summary>
    public static GateVerdict Passing(string sha256)
    {
        var threshold = new MetricThreshold(GateMetric.DeclineRate, Min: 0.5);
        var metric = new MetricResult(GateMetric.DeclineRate, 10, 0.9, new Interval(0.8, 1), null, null, null, threshold, true, "ok");
        return new GateVerdict("fernbrook", "suite-sha", sha256, null, "base-sha", [metric], DateTimeOffset.UtcNow);
    }
}
