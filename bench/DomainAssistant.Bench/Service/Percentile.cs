namespace DomainAssistant.Bench.Service;

/// <summary>Nearest-rank percentiles: the smallest sample with at least p% of the samples at or below it (p95 of 16 samples is the largest).</summary>
public static class Percentile
{
    public static double Of(IEnumerable<double> samples, double percent)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
