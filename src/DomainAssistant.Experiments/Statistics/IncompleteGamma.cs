namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// The regularized incomplete gamma functions P(a, x) = γ(a, x) / Γ(a) and Q(a, x) = 1 - P(a, x). The chi-square CDF
/// is P(k/2, x/2), and erfc(t) = Q(1/2, t²) gives the normal tails, so every p-value here rests on this one function.
/// </summary>
/// <remarks>
/// Evaluated as in Press et al., Numerical Recipes (3rd ed., §6.2): the power series for P when x &lt; a + 1, the
/// continued fraction for Q (modified Lentz) otherwise; each converges fast on its side. The small side is computed
/// directly rather than as 1 minus the other, so tiny tail probabilities (SRM p-values near 1e-6) keep their digits.
/// </remarks>
public static class IncompleteGamma
{
    const int MaxIterations = 100_000;
    const double Epsilon = 1e-15;
    const double Tiny = 1e-300;

    /// <summary>P(a, x), the lower regularized incomplete gamma function.</summary>
    public static double Lower(double a, double x)
    {
        Check(a, x);
        if (x == 0) return 0;
        return x < a + 1 ? Series(a, x) : 1 - ContinuedFraction(a, x);
    }

    /// <summary>Q(a, x) = 1 - P(a, x), the upper regularized incomplete gamma function.</summary>
    public static double Upper(double a, double x)
    {
        Check(a, x);
        if (x == 0) return 1;
        return x < a + 1 ? 1 - Series(a, x) : ContinuedFraction(a, x);
    }

    static void Check(double a, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (double.IsNaN(a) || double.IsNaN(x)) throw new ArgumentException("a and x must be numbers.");
    }

    // e^-x x^a / Γ(a): the common prefactor, in logs so that large a and x do not overflow.
    static double Prefactor(double a, double x) => Math.Exp(-x + a * Math.Log(x) - LogGamma.Of(a));

    // P(a, x) = e^-x x^a / Γ(a+1) · Σ_n x^n / ((a+1)···(a+n)).
    static double Series(double a, double x)
    {
        double term = 1 / a, sum = term, ap = a;
        for (int n = 0; n < MaxIterations; n++)
        {
            ap += 1;
            term *= x / ap;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * Epsilon) return sum * Prefactor(a, x);
        }
        throw new ArithmeticException($"The incomplete gamma series did not converge for a = {a}, x = {x}.");
    }

    // Q(a, x) = e^-x x^a / Γ(a) · 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- ...))), by the modified Lentz method.
    static double ContinuedFraction(double a, double x)
    {
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (int i = 1; i < MaxIterations; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon) return Prefactor(a, x) * h;
        }
        throw new ArithmeticException($"The incomplete gamma continued fraction did not converge for a = {a}, x = {x}.");
    }
}
