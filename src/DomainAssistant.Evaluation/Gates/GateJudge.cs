using System.Globalization;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// Turns measured samples into pass or fail, metric by metric:
/// <list type="bullet">
/// <item>an absolute bound (<c>min</c>/<c>max</c>) is checked on the candidate's estimate;</item>
/// <item>a regression (<c>max_drop</c>) fails when it is larger than allowed and beyond the noise band: the candidate's
/// estimate is worse than the baseline's by more than <c>max_drop</c>, and the paired 95% bootstrap interval of
/// (candidate - baseline) lies wholly on the worse side of zero. A drop the cases cannot tell from chance passes, and
/// the reason says so.</item>
/// </list>
/// A metric no case counted for (e.g. citation precision when no answer cites) fails: a gate never passes on nothing.
/// </summary>
public sealed class GateJudge(Bootstrap bootstrap)
{
    public MetricResult Judge(MetricThreshold threshold, MetricSample candidate, MetricSample? baseline)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        ArgumentNullException.ThrowIfNull(candidate);
        var metric = threshold.Metric;
        var better = metric.Direction() == MetricDirection.HigherIsBetter ? 1.0 : -1.0;
        var estimate = candidate.Estimate();
        var interval = bootstrap.Of(candidate);
        var counted = Enumerable.Range(0, candidate.Cases).Count(i => candidate.Denominators[i] > 0);
        double? baselineEstimate = baseline?.Estimate();
        var baselineInterval = baseline is null ? (Interval?)null : bootstrap.Of(baseline);
        var difference = baseline is null ? (Interval?)null : bootstrap.OfDifference(candidate, baseline);

        MetricResult Result(bool passed, string reason) =>
            new(metric, counted, estimate, interval, baselineEstimate, baselineInterval, difference, threshold, passed, reason);

        if (double.IsNaN(estimate)) return Result(false, "no case counted for the candidate (nothing to judge)");
        if (threshold.Min is { } min && estimate < min) return Result(false, $"{F(estimate)} is below the minimum {F(min)}");
        if (threshold.Max is { } max && estimate > max) return Result(false, $"{F(estimate)} is above the maximum {F(max)}");
        if (threshold.MaxDrop is not { } maxDrop) return Result(true, Bounds(threshold, estimate));
        if (baseline is null || baselineEstimate is not { } reference || double.IsNaN(reference))
            return Result(false, "the baseline has no value to compare with");

        // Worsening in the metric's units: positive = worse than the baseline.
        var worsening = better * (reference - estimate);
        var d = difference!.Value;
        var surelyWorse = better > 0 ? d.High < 0 : d.Low > 0; // the whole interval on the worse side of no change
        if (worsening > maxDrop && surelyWorse)
            return Result(false, $"{F(worsening)} worse than the baseline ({F(reference)}), beyond the allowed {F(maxDrop)}, and the 95% interval of the difference [{F(d.Low)}, {F(d.High)}] excludes no change");
        return Result(true, worsening > maxDrop
            ? $"{F(worsening)} worse than the baseline, but the 95% interval of the difference [{F(d.Low)}, {F(d.High)}] includes no change: noise"
            : $"within {F(maxDrop)} of the baseline ({F(estimate)} vs {F(reference)})");
    }

    static string Bounds(MetricThreshold threshold, double estimate) =>
        threshold.Min is { } min ? $"{F(estimate)} >= {F(min)}" : $"{F(estimate)} <= {F(threshold.Max!.Value)}";

    static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
