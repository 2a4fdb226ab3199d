namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// One metric measured case by case: the estimate is the sum of the cases' numerators over the sum of their
/// denominators (a rate: 1 or 0 over 1; citation precision: over the answers that cite; perplexity: negative
/// log-likelihood over tokens, then exponentiated). Resampling whole cases keeps each case's parts together.
/// </summary>
/// <param name="Numerators">Per case.</param>
/// <param name="Denominators">Per case, in the same order; a case with 0 does not count (e.g. an answer that cites nothing).</param>
/// <param name="Exponentiate">Report exp(estimate) (perplexity from mean negative log-likelihood).</param>
public sealed record MetricSample(IReadOnlyList<double> Numerators, IReadOnlyList<double> Denominators, bool Exponentiate = false)
{
    /// <summary>A rate: each case counts 1 when <paramref name="outcomes"/> holds, 0 otherwise.</summary>
    public static MetricSample Rate(IEnumerable<bool> outcomes)
    {
        var values = outcomes.Select(o => o ? 1.0 : 0.0).ToArray();
        return new MetricSample(values, [.. Enumerable.Repeat(1.0, values.Length)]);
    }

    public int Cases => Numerators.Count;

    /// <summary>The estimate over all cases; NaN when no case counts.</summary>
    public double Estimate() => Of(Enumerable.Range(0, Cases));

    /// <summary>The estimate over the cases at <paramref name="indices"/> (repeats allowed, as a bootstrap draws them).</summary>
    public double Of(IEnumerable<int> indices)
    {
        double numerator = 0, denominator = 0;
        foreach (var i in indices)
        {
            numerator += Numerators[i];
            denominator += Denominators[i];
        }
        if (denominator == 0) return double.NaN;
        var estimate = numerator / denominator;
        return Exponentiate ? Math.Exp(estimate) : estimate;
    }

    /// <exception cref="ArgumentException">The two lists differ in length, or a denominator is negative.</exception>
    public MetricSample Validated()
    {
        if (Numerators.Count != Denominators.Count)
            throw new ArgumentException($"{Numerators.Count} numerators for {Denominators.Count} denominators.");
        if (Denominators.Any(d => d < 0 || double.IsNaN(d))) throw new ArgumentException("a denominator is negative or NaN.");
        return this;
    }
}
