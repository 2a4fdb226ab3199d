namespace DomainAssistant.Experiments.Statistics;

/// <summary>ln Γ(x) for x &gt; 0: the normaliser of the incomplete gamma function (and so of the chi-square).</summary>
static class LogGamma
{
    // Past this the Stirling series below is exact to double precision (its next term is below 1e-19).
    const double SeriesStart = 15;

    public static double Of(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        // Γ(x) = Γ(x + n) / (x (x+1) ... (x+n-1)): climb to where the asymptotic series is exact.
        double product = 1;
        while (x < SeriesStart)
        {
            product *= x;
            x += 1;
        }
        return Stirling(x) - Math.Log(product);
    }

    // Stirling's series (Abramowitz & Stegun 6.1.40): (x - ½) ln x - x + ½ ln 2π + Σ B₂ₙ / (2n(2n-1) x^(2n-1)),
    // with the Bernoulli numbers B₂ … B₁₄ giving 1/12, -1/360, 1/1260, -1/1680, 1/1188, -691/360360, 1/156.
    static double Stirling(double x)
    {
        double inverse = 1 / x, square = inverse * inverse;
        double series = inverse * (1.0 / 12 + square * (-1.0 / 360 + square * (1.0 / 1260 + square * (-1.0 / 1680
            + square * (1.0 / 1188 + square * (-691.0 / 360360 + square / 156))))));
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series;
    }
}
