using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

/// <summary>The worked examples of Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3.</summary>
public sealed class WilsonIntervalTests
{
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Matches_the_published_95_percent_intervals(long events, long trials, double low, double high)
    {
        var interval = WilsonInterval.Of(new Proportion(events, trials));
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    [Fact]
    public void All_successes_reach_exactly_one_and_no_trials_say_nothing()
    {
        Assert.Equal(1, WilsonInterval.Of(new Proportion(20, 20)).High);
        Assert.Equal(new ConfidenceInterval(0, 1), WilsonInterval.Of(new Proportion(0, 0)));
    }

    [Fact]
    public void A_wider_confidence_gives_a_wider_interval()
    {
        var p95 = WilsonInterval.Of(new Proportion(30, 100));
        var p99 = WilsonInterval.Of(new Proportion(30, 100), alpha: 0.01);
        Assert.True(p99.Low < p95.Low && p99.High > p95.High);
    }
}
