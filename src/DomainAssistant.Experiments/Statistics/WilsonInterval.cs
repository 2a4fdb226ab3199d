namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// The Wilson score interval for one proportion (Wilson 1927, "Probable inference, the law of succession, and
/// statistical inference", JASA 22:209): the p whose score test does not reject, i.e. the roots of
/// (p̂ - p)² = z² p(1 - p) / n. Unlike p̂ ± z·√(p̂(1-p̂)/n) it stays inside [0, 1] and keeps its coverage near 0 and 1
/// and at small n (Newcombe 1998, "Two-sided confidence intervals for the single proportion", Stat Med 17:857, method 3).
/// </summary>
public static class WilsonInterval
{
    /// <param name="proportion">Events out of trials; no trials give [0, 1].</param>
    /// <param name="alpha">1 - confidence: 0.05 for a 95% interval.</param>
    public static ConfidenceInterval Of(Proportion proportion, double alpha = 0.05)
    {
        if (proportion.Trials == 0) return new ConfidenceInterval(0, 1);
        double z = StandardNormal.TwoSidedCritical(alpha), n = proportion.Trials, p = proportion.Rate, z2 = z * z;
        double center = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At 0 or n events one bound is exactly 0 or 1; rounding must not put it a hair outside.
        return new ConfidenceInterval(
            proportion.Events == 0 ? 0 : Math.Max(0, center - half),
            proportion.Events == proportion.Trials ? 1 : Math.Min(1, center + half));
    }
}
