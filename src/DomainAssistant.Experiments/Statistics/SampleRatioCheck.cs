namespace DomainAssistant.Experiments.Statistics;

/// <summary>The chi-square statistic of a sample ratio check, its p-value, and whether it is flagged (p &lt; 0.001).</summary>
public readonly record struct SampleRatioCheck(double ChiSquare, double PValue, bool Mismatch);
