namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// The difference of two independent proportions, treatment minus control, with Newcombe's hybrid score interval
/// (Newcombe 1998, "Interval estimation for the difference between independent proportions: comparison of eleven
/// methods", Stat Med 17:873, method 10): each arm's Wilson interval (l, u) is combined as
/// L = d - √((p₁ - l₁)² + (u₂ - p₂)²), U = d + √((u₁ - p₁)² + (p₂ - l₂)²). It keeps close to nominal coverage where the
/// Wald interval does not (small arms, rates near 0 or 1), and it is a fixed-sample interval: read it once, at the end.
/// Decisions taken while the data still arrive use <see cref="MixtureSequentialTest"/>.
/// </summary>
public static class ProportionDifference
{
    /// <summary>The estimate d = p(treatment) - p(control) and its hybrid score interval.</summary>
    public static (double Estimate, ConfidenceInterval Interval) Of(Proportion control, Proportion treatment, double alpha = 0.05)
    {
        double p1 = treatment.Rate, p2 = control.Rate, d = p1 - p2;
        var w1 = WilsonInterval.Of(treatment, alpha);
        var w2 = WilsonInterval.Of(control, alpha);
        double low = d - Math.Sqrt(Square(p1 - w1.Low) + Square(w2.High - p2));
        double high = d + Math.Sqrt(Square(w1.High - p1) + Square(p2 - w2.Low));
        return (d, new ConfidenceInterval(low, high));
    }

    static double Square(double x) => x * x;
}
