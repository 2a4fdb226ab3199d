namespace DomainAssistant.Experiments.Statistics;

/// <summary>One look of <see cref="MixtureSequentialTest"/>: the estimate, its always-valid p-value and interval.</summary>
public readonly record struct SequentialLook(double Estimate, double PValue, ConfidenceInterval Interval)
{
    internal static SequentialLook NoEvidence(double estimate, double low, double high) =>
        new(estimate, 1, new ConfidenceInterval(low, high));
}
