using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

public sealed class StandardNormalTests
{
    [Theory]
    // Standard normal quantiles (Abramowitz & Stegun table 26.5) and their probabilities.
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(0.9999, 3.719016485455709)]
    [InlineData(0.01, -2.3263478740408408)]
    public void Quantile_and_cdf_match_the_tables_and_invert_each_other(double p, double z)
    {
        Assert.Equal(z, StandardNormal.Quantile(p), 11);
        Assert.Equal(p, StandardNormal.Cdf(z), 13);
    }

    [Fact]
    public void The_far_tail_keeps_relative_precision()
    {
        // P(Z > 5) = erfc(5/√2)/2.
        Assert.Equal(1, StandardNormal.UpperTail(5) / 2.866515718791939e-07, 12);
    }

    [Fact]
    public void A_quantile_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardNormal.Quantile(1));
}
