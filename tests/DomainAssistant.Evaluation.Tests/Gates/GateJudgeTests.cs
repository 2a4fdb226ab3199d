using DomainAssistant.Evaluation.Gates;

namespace DomainAssistant.Evaluation.Tests.Gates;

public class GateJudgeTests
{
    static readonly GateJudge Judge = new(new Bootstrap(seed: 11));

    static MetricSample Rate(int hits, int cases) => MetricSample.Rate(Enumerable.Range(0, cases).Select(i => i < hits));

    [Fact]
    public void A_clear_drop_beyond_the_allowed_one_fails_and_names_the_numbers()
    {
        var threshold = new MetricThreshold(GateMetric.DeclineRate, MaxDrop: 0.05);
        var result = Judge.Judge(threshold, candidate: Rate(5, 34), baseline: Rate(30, 34));
        Assert.False(result.Passed);
        Assert.Contains("worse than the baseline", result.Reason, StringComparison.Ordinal);
        Assert.True(result.Difference!.Value.High < 0);
    }

    [Fact]
    public void A_drop_the_cases_cannot_tell_from_noise_passes_and_says_so()
    {
        // 1 case of 34 worse: beyond a 0-point allowance as a point estimate, but not across the interval.
        var baseline = Enumerable.Range(0, 34).Select(i => i < 20).ToArray();
        var candidate = baseline.ToArray();
        candidate[0] = false;
        var result = Judge.Judge(new MetricThreshold(GateMetric.DeclineRate, MaxDrop: 0), MetricSample.Rate(candidate), MetricSample.Rate(baseline));
        Assert.True(result.Passed);
        Assert.Contains("noise", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_drop_larger_than_allowed_fails_even_when_part_of_its_interval_is_within_the_allowance()
    {
        // 12 of 74 cases worse, none better: the drop (0.16) is real (the interval excludes 0) though its lower end is under 0.1.
        var baseline = Enumerable.Range(0, 74).Select(i => i < 40).ToArray();
        var candidate = baseline.Select((b, i) => b && i >= 12).ToArray();
        var result = Judge.Judge(new MetricThreshold(GateMetric.KeyFactAccuracy, MaxDrop: 0.1), MetricSample.Rate(candidate), MetricSample.Rate(baseline));
        Assert.False(result.Passed);
        Assert.True(result.Difference!.Value.High < 0 && result.Difference.Value.Low > -0.3);
    }

    [Fact]
    public void For_a_lower_is_better_metric_a_rise_is_the_regression()
    {
        var threshold = new MetricThreshold(GateMetric.FalseDeclineRate, Max: 0.9, MaxDrop: 0.05);
        Assert.False(Judge.Judge(threshold, candidate: Rate(60, 74), baseline: Rate(20, 74)).Passed);
        Assert.True(Judge.Judge(threshold, candidate: Rate(20, 74), baseline: Rate(60, 74)).Passed); // fewer false declines: better
        Assert.False(Judge.Judge(threshold, candidate: Rate(70, 74), baseline: Rate(70, 74)).Passed); // above the maximum 0.9
    }

    [Fact]
    public void Absolute_bounds_apply_without_a_baseline_and_nothing_to_judge_fails()
    {
        Assert.False(Judge.Judge(new MetricThreshold(GateMetric.KeyFactAccuracy, Min: 0.5), Rate(10, 74), null).Passed);
        Assert.True(Judge.Judge(new MetricThreshold(GateMetric.KeyFactAccuracy, Min: 0.1), Rate(10, 74), null).Passed);
        var kl = new MetricSample([0.2, 0.4], [1, 1]);
        Assert.False(Judge.Judge(new MetricThreshold(GateMetric.KlToBaseline, Max: 0.25), kl, null).Passed);
        var nothing = Judge.Judge(new MetricThreshold(GateMetric.CitationPrecision, Min: 0), new MetricSample([0, 0], [0, 0]), null);
        Assert.False(nothing.Passed);
        Assert.Contains("no case counted", nothing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_inputs_give_the_same_verdict_every_time()
    {
        var threshold = new MetricThreshold(GateMetric.KeyFactAccuracy, MaxDrop: 0.02);
        var first = Judge.Judge(threshold, Rate(30, 74), Rate(36, 74));
        for (var i = 0; i < 5; i++)
        {
            var again = new GateJudge(new Bootstrap(seed: 11)).Judge(threshold, Rate(30, 74), Rate(36, 74));
            Assert.Equal(first.Passed, again.Passed);
            Assert.Equal(first.Difference, again.Difference);
        }
    }
}
