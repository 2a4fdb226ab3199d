namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>How well reward scores predict held-out votes.</summary>
/// <param name="Accuracy">Share of votes whose sign of score matches the rating (score > 0 predicts up).</param>
/// <param name="Auc">Area under the ROC curve: the chance an up vote's answer outscores a down vote's (ties count half); NaN with one class.</param>
/// <param name="Ece">Expected calibration error of σ(score) as P(up), 10 equal-width bins.</param>
/// <param name="PairAccuracy">Share of held-out pairs where the chosen answer scores higher; NaN without pairs.</param>
/// <param name="Examples">Votes scored.</param>
public sealed record RewardMetrics(double Accuracy, double Auc, double Ece, double PairAccuracy, int Examples)
{
    const int Bins = 10;

    /// <summary>Metrics of <paramref name="scores"/> against <paramref name="up"/>, plus the pair margins (chosen − rejected).</summary>
    public static RewardMetrics Of(IReadOnlyList<double> scores, IReadOnlyList<bool> up, IReadOnlyList<double> pairMargins)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(pairMargins);
        if (scores.Count != up.Count) throw new ArgumentException($"{scores.Count} scores for {up.Count} votes.", nameof(up));
        var accuracy = scores.Count == 0 ? double.NaN : scores.Zip(up).Count(p => p.First > 0 == p.Second) / (double)scores.Count;
        var pairAccuracy = pairMargins.Count == 0 ? double.NaN : pairMargins.Count(m => m > 0) / (double)pairMargins.Count;
        return new RewardMetrics(accuracy, AreaUnderCurve(scores, up), CalibrationError([.. scores.Select(Sigmoid)], up), pairAccuracy, scores.Count);
    }

    /// <summary>Mann-Whitney: P(score of an up vote > score of a down vote), ties half, over all (up, down) combinations.</summary>
    public static double AreaUnderCurve(IReadOnlyList<double> scores, IReadOnlyList<bool> up)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(up);
        var ups = scores.Where((_, i) => up[i]).ToList();
        var downs = scores.Where((_, i) => !up[i]).ToList();
        if (ups.Count == 0 || downs.Count == 0) return double.NaN;
        var wins = ups.Sum(u => downs.Sum(d => u > d ? 1.0 : u == d ? 0.5 : 0.0));
        return wins / ((double)ups.Count * downs.Count);
    }

    /// <summary>Σ over bins of (bin size / n) · |mean predicted P(up) − observed up rate| (Guo et al. 2017, eq. 3).</summary>
    public static double CalibrationError(IReadOnlyList<double> probabilities, IReadOnlyList<bool> up)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(up);
        if (probabilities.Count == 0) return double.NaN;
        var error = 0.0;
        foreach (var bin in probabilities.Select((p, i) => (p, i)).GroupBy(x => Math.Min(Bins - 1, (int)(x.p * Bins))))
        {
            var confidence = bin.Average(x => x.p);
            var observed = bin.Average(x => up[x.i] ? 1.0 : 0.0);
            error += bin.Count() / (double)probabilities.Count * Math.Abs(confidence - observed);
        }
        return error;
    }

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
