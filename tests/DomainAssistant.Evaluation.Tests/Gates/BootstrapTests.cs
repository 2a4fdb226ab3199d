using DomainAssistant.Evaluation.Gates;

namespace DomainAssistant.Evaluation.Tests.Gates;

public class BootstrapTests
{
    [Fact]
    public void A_rate_of_constant_cases_has_a_point_interval_and_a_mixed_one_brackets_its_estimate()
    {
        var bootstrap = new Bootstrap(seed: 1);
        var all = MetricSample.Rate(Enumerable.Repeat(true, 40));
        Assert.Equal(new Interval(1, 1), bootstrap.Of(all));

        var half = MetricSample.Rate(Enumerable.Range(0, 100).Select(i => i % 2 == 0));
        var interval = bootstrap.Of(half);
        Assert.Equal(0.5, half.Estimate());
        // The normal approximation's 95% interval for p = 0.5, n = 100 is 0.5 +- 0.098; the percentile bootstrap is close.
        Assert.InRange(interval.Low, 0.38, 0.43);
        Assert.InRange(interval.High, 0.57, 0.62);
    }

    [Fact]
    public void The_same_seed_gives_the_same_interval_and_another_seed_a_slightly_different_one()
    {
        var sample = MetricSample.Rate(Enumerable.Range(0, 37).Select(i => i % 3 == 0));
        Assert.Equal(new Bootstrap(7).Of(sample), new Bootstrap(7).Of(sample));
        Assert.NotEqual(new Bootstrap(7).Of(sample), new Bootstrap(8).Of(sample));
    }

    [Fact]
    public void Paired_differences_cancel_what_the_cases_share()
    {
        // The candidate equals the baseline on every case but one: the paired interval hugs the true difference, while
        // two independent intervals would overlap widely.
        var baseline = Enumerable.Range(0, 60).Select(i => i % 2 == 0).ToArray();
        var candidate = baseline.ToArray();
        candidate[1] = true;
        var difference = new Bootstrap(3).OfDifference(MetricSample.Rate(candidate), MetricSample.Rate(baseline));
        Assert.InRange(difference.Low, 0, 1e-12);
        // The difference is (times the one changed case is drawn) / 60: Binomial(60, 1/60), whose 97.5th percentile is 3.
        Assert.InRange(difference.High, 1.0 / 60, 4.0 / 60 + 1e-12);
        var alone = new Bootstrap(3).Of(MetricSample.Rate(baseline));
        Assert.True(alone.High - alone.Low > 0.2, "an unpaired interval of a 50% rate over 60 cases is about 0.25 wide");
    }

    [Fact]
    public void A_ratio_metric_resamples_whole_cases_and_skips_cases_that_do_not_count()
    {
        // Citation precision: 3 of 4 citing answers cite the gold document; two answers cite nothing (denominator 0).
        var sample = new MetricSample([1, 1, 0, 0, 1, 0], [1, 1, 0, 1, 1, 0]);
        Assert.Equal(0.75, sample.Estimate());
        var perplexity = new MetricSample([Math.Log(4) * 3, Math.Log(4) * 5], [3, 5], Exponentiate: true);
        Assert.Equal(4, perplexity.Estimate(), 9);
        Assert.True(double.IsNaN(new MetricSample([0, 0], [0, 0]).Estimate()));
    }
}
