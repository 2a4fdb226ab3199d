namespace DomainAssistant.Experiments.Statistics;

/// <summary>A two-sided interval estimate: the set of values the data do not rule out at the chosen level.</summary>
public readonly record struct ConfidenceInterval(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}
