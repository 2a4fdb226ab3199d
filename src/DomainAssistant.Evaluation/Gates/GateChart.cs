using ScottPlot;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// The rate metrics (0 to 1) of a verdict as grouped bars, baseline beside candidate, each with its 95% bootstrap
/// interval; drawn with ScottPlot. Perplexity and KL are on other scales and stay in the report's table.
/// </summary>
public static class GateChart
{
    static readonly Color Baseline = Color.FromHex("#9aa5b1");
    static readonly Color Candidate = Color.FromHex("#2f6fde");

    static bool IsRate(GateMetric metric) => metric is not (GateMetric.HeldOutPerplexity or GateMetric.KlToBaseline);

    /// <summary>Writes <c>chart.svg</c> and <c>chart.png</c> into <paramref name="folder"/>; false when no rate metric was measured.</summary>
    public static bool Write(IReadOnlyList<MetricResult> metrics, string folder)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var rates = metrics.Where(m => IsRate(m.Metric) && !double.IsNaN(m.Candidate)).ToList();
        if (rates.Count == 0) return false;

        var plot = new Plot();
        var ticks = new List<Tick>();
        for (var i = 0; i < rates.Count; i++)
        {
            var metric = rates[i];
            var at = i * 3.0;
            if (metric.Baseline is { } baseline && !double.IsNaN(baseline))
                Bar(plot, at, baseline, metric.BaselineInterval!.Value, Baseline);
            Bar(plot, at + 1, metric.Candidate, metric.CandidateInterval, Candidate);
            ticks.Add(new Tick(at + 0.5, metric.Metric.Name().Replace('_', ' ')));
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Axes.Left.Label.Text = "rate (95% bootstrap interval)";
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "baseline", FillColor = Baseline });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "candidate", FillColor = Candidate });
        plot.ShowLegend(Alignment.UpperRight);
        var width = Math.Max(480, 150 * rates.Count);
        plot.SaveSvg(Path.Combine(folder, "chart.svg"), width, 360);
        plot.SavePng(Path.Combine(folder, "chart.png"), width, 360);
        return true;
    }

    static void Bar(Plot plot, double position, double value, Interval interval, Color color)
    {
        plot.Add.Bars(new[] { new ScottPlot.Bar { Position = position, Value = value, FillColor = color } });
        if (double.IsNaN(interval.Low)) return;
        var error = plot.Add.ErrorBar([position], [value], [0.0]);
        error.YErrorNegative = [value - interval.Low];
        error.YErrorPositive = [interval.High - value];
        error.Color = Colors.Black;
    }
}
