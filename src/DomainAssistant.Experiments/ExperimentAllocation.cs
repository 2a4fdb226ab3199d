namespace DomainAssistant.Experiments;

/// <summary>
/// How the percentile line 0-100 is split: treatment [0, p), control [p, 100]. Treatment always starts at 0, so
/// raising p only moves control users into treatment; a user in treatment at 10% is still there at 50%.
/// </summary>
public static class ExperimentAllocation
{
    public static void CheckPercent(double percent)
    {
        if (!(percent >= 0 && percent <= 100)) throw new ArgumentException($"A percentage is between 0 and 100, not {percent}.");
    }

    /// <summary>The variant of a user at this percentile (as <see cref="StickyAssignment.Percentile"/> computes it).</summary>
    public static string VariantAt(double percentile, double treatmentPercent) =>
        percentile < treatmentPercent || treatmentPercent >= 100 ? ExperimentVariants.Treatment : ExperimentVariants.Control;

    /// <summary>Each variant's expected share of users, in <see cref="ExperimentVariants.Both"/> order.</summary>
    public static IReadOnlyList<double> Shares(double treatmentPercent) => [100 - treatmentPercent, treatmentPercent];
}
