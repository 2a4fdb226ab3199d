namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// Sample ratio mismatch: whether the counts per variant fit the allocation. Pearson's chi-square goodness of fit,
/// X² = Σ (observed - expected)² / expected with k - 1 degrees of freedom, p-value from the chi-square tail. A tiny
/// p-value means assignment or logging is broken (a variant loses users to crashes, a cache serves one arm), and the
/// experiment's other figures cannot be trusted (Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online
/// controlled experiments", KDD '19, who also use the strict threshold p &lt; 0.001 so that routine checks rarely cry wolf).
/// </summary>
public static class SampleRatioMismatch
{
    /// <summary>Below this p-value the mismatch is flagged.</summary>
    public const double Threshold = 0.001;

    /// <param name="observed">Count per variant (users exposed, or users who rated).</param>
    /// <param name="expectedShares">Each variant's share of the allocation, in the same order; they are normalised.</param>
    public static SampleRatioCheck Check(IReadOnlyList<long> observed, IReadOnlyList<double> expectedShares)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(expectedShares);
        if (observed.Count != expectedShares.Count || observed.Count < 2)
            throw new ArgumentException("One expected share per observed count, and at least two variants.");
        double total = observed.Sum(), shareSum = expectedShares.Sum();
        if (total == 0) return new SampleRatioCheck(0, 1, false);
        double statistic = 0;
        int variants = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            double expected = total * expectedShares[i] / shareSum;
            // A variant allocated nothing must see nothing; any count there is a certain mismatch.
            if (expected == 0)
            {
                if (observed[i] > 0) return new SampleRatioCheck(double.PositiveInfinity, 0, true);
                continue;
            }
            statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
            variants++;
        }
        if (variants < 2) return new SampleRatioCheck(0, 1, false);
        double pValue = ChiSquare.Survival(statistic, variants - 1);
        return new SampleRatioCheck(statistic, pValue, pValue < Threshold);
    }
}
