using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

/// <summary>
/// Worked examples of Newcombe (1998), "Interval estimation for the difference between independent proportions",
/// table II, method 10 (hybrid score): first arm minus second arm, so the first is the treatment here.
/// </summary>
public sealed class ProportionDifferenceTests
{
    [Theory]
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    [InlineData(5, 56, 0, 29, -0.0381, 0.1926)]
    [InlineData(0, 10, 0, 20, -0.1611, 0.2775)]
    [InlineData(10, 10, 0, 20, 0.6791, 1.0000)]
    public void Matches_the_published_hybrid_score_intervals(long treatmentUp, long treatmentN, long controlUp, long controlN, double low, double high)
    {
        var (estimate, interval) = ProportionDifference.Of(new Proportion(controlUp, controlN), new Proportion(treatmentUp, treatmentN));
        Assert.Equal((double)treatmentUp / treatmentN - (double)controlUp / controlN, estimate, 12);
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }
}
