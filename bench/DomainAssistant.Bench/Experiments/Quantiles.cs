namespace DomainAssistant.Bench.Experiments;

/// <summary>Nearest-rank quantiles of simulation outcomes (the median and p90 in the tables).</summary>
static class Quantiles
{
    public static double Of(IReadOnlyList<int> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
