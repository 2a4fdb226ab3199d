namespace DomainAssistant.Experiments.Statistics;

/// <summary>The standard normal distribution: tails through erfc, quantiles for interval widths.</summary>
public static class StandardNormal
{
    /// <summary>Φ(x) = P(Z ≤ x).</summary>
    public static double Cdf(double x) => x < 0 ? UpperTail(-x) : 1 - UpperTail(x);

    /// <summary>P(Z &gt; x) = erfc(x/√2)/2, with erfc(t) = Q(1/2, t²) (Abramowitz &amp; Stegun 7.1.2, 6.5.17).</summary>
    public static double UpperTail(double x) =>
        x < 0 ? 1 - UpperTail(-x) : 0.5 * IncompleteGamma.Upper(0.5, x * x / 2);

    /// <summary>The z with Φ(z) = p, for 0 &lt; p &lt; 1.</summary>
    /// <remarks>
    /// P. J. Acklam's rational approximation (relative error below 1.2e-9), then one Halley step on Φ, which brings it
    /// to the precision of <see cref="Cdf"/> (Acklam's own suggested refinement).
    /// </remarks>
    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A probability strictly between 0 and 1.");
        double x = Acklam(p);
        double e = Cdf(x) - p;
        double u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>The two-sided critical value z_(1-α/2): 1.96 for α = 0.05.</summary>
    public static double TwoSidedCritical(double alpha) => Quantile(1 - alpha / 2);

    static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const double Low = 0.02425;

    static double Acklam(double p)
    {
        if (p < Low) return Tail(Math.Sqrt(-2 * Math.Log(p)));
        if (p > 1 - Low) return -Tail(Math.Sqrt(-2 * Math.Log(1 - p)));
        double q = p - 0.5, r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
               (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }

    static double Tail(double q) =>
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
        ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
}
