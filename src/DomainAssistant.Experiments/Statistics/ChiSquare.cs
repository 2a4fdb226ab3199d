namespace DomainAssistant.Experiments.Statistics;

/// <summary>The chi-square distribution with k degrees of freedom: P(X ≤ x) = P(k/2, x/2) (Abramowitz &amp; Stegun 26.4.19).</summary>
public static class ChiSquare
{
    public static double Cdf(double x, int degreesOfFreedom) =>
        x <= 0 ? 0 : IncompleteGamma.Lower(Half(degreesOfFreedom), x / 2);

    /// <summary>P(X &gt; x): the p-value of a chi-square statistic x.</summary>
    public static double Survival(double x, int degreesOfFreedom) =>
        x <= 0 ? 1 : IncompleteGamma.Upper(Half(degreesOfFreedom), x / 2);

    static double Half(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degreesOfFreedom);
        return degreesOfFreedom / 2.0;
    }
}
