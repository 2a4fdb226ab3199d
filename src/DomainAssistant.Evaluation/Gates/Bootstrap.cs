namespace DomainAssistant.Evaluation.Gates;

/// <summary>An interval around an estimate.</summary>
public readonly record struct Interval(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}

/// <summary>
/// Percentile bootstrap over cases (Efron and Tibshirani 1993, ch. 13): resample the cases with replacement, recompute
/// the estimate, take the 2.5th and 97.5th percentiles. Seeded, so the same inputs always give the same interval, which
/// is what makes a gate's verdict reproducible.
/// </summary>
public sealed class Bootstrap(int seed, int resamples = 2000, double confidence = 0.95)
{
    public int Resamples => resamples;

    public double Confidence => confidence;

    /// <summary>The interval of <paramref name="sample"/>'s estimate; (NaN, NaN) when no resample has a case that counts.</summary>
    public Interval Of(MetricSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Percentiles(Draw(sample.Cases, indices => sample.Of(indices)));
    }

    /// <summary>
    /// The interval of candidate minus baseline, measured on the same cases: each resample draws case indices once and
    /// uses them for both, so what the cases share (an easy question, a retrieval miss) cancels out of the difference.
    /// </summary>
    public Interval OfDifference(MetricSample candidate, MetricSample baseline)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline);
        if (candidate.Cases != baseline.Cases)
            throw new ArgumentException($"paired samples need the same cases: {candidate.Cases} against {baseline.Cases}.");
        return Percentiles(Draw(candidate.Cases, indices => candidate.Of(indices) - baseline.Of(indices)));
    }

    List<double> Draw(int cases, Func<int[], double> estimate)
    {
        var values = new List<double>(resamples);
        if (cases == 0) return values;
        var random = new Random(seed);
        var indices = new int[cases];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < cases; i++) indices[i] = random.Next(cases);
            var value = estimate(indices);
            if (!double.IsNaN(value)) values.Add(value);
        }
        return values;
    }

    Interval Percentiles(List<double> values)
    {
        if (values.Count == 0) return new Interval(double.NaN, double.NaN);
        values.Sort();
        var tail = (1 - confidence) / 2;
        return new Interval(At(values, tail), At(values, 1 - tail));
    }

    /// <summary>Linear interpolation between order statistics (the "type 7" quantile of R and NumPy).</summary>
    static double At(List<double> sorted, double quantile)
    {
        var position = quantile * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
