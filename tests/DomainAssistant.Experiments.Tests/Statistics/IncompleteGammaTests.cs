using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

/// <summary>The incomplete gamma function against closed forms and tabulated chi-square and normal values.</summary>
public sealed class IncompleteGammaTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(30.0)]
    public void With_a_equal_to_one_it_is_the_exponential_distribution(double x)
    {
        Assert.Equal(1 - Math.Exp(-x), IncompleteGamma.Lower(1, x), 14);
        Assert.Equal(Math.Exp(-x), IncompleteGamma.Upper(1, x), 14);
    }

    [Fact]
    public void With_a_one_half_it_is_the_error_function()
    {
        // P(1/2, t²) = erf(t): erf(1) and erfc(2) from Abramowitz & Stegun table 7.1.
        Assert.Equal(0.8427007929497149, IncompleteGamma.Lower(0.5, 1), 14);
        Assert.Equal(0.004677734981047266, IncompleteGamma.Upper(0.5, 4), 15);
    }

    [Fact]
    public void The_two_functions_add_to_one_on_both_sides_of_the_switch_between_series_and_fraction()
    {
        foreach (var (a, x) in new[] { (3.0, 3.9), (3.0, 4.1), (0.5, 1.49), (0.5, 1.51), (12.5, 20.0) })
            Assert.Equal(1, IncompleteGamma.Lower(a, x) + IncompleteGamma.Upper(a, x), 14);
    }

    [Fact]
    public void Ln_gamma_matches_factorials_and_root_pi()
    {
        Assert.Equal(0.5723649429247001, LogGamma.Of(0.5), 13);
        Assert.Equal(Math.Log(362880), LogGamma.Of(10), 12);
        Assert.Equal(359.1342053695754, LogGamma.Of(100), 10);
        Assert.Equal(0, LogGamma.Of(1), 14);
    }

    [Theory]
    // Upper critical values of the chi-square distribution (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
    [InlineData(3.841458820694124, 1, 0.05)]
    [InlineData(6.634896601021214, 1, 0.01)]
    [InlineData(10.827566170662733, 1, 0.001)]
    [InlineData(5.991464547107979, 2, 0.05)]
    [InlineData(13.815510557964274, 2, 0.001)]
    [InlineData(11.070497693516351, 5, 0.05)]
    [InlineData(18.307038053275146, 10, 0.05)]
    public void Chi_square_tails_match_the_published_critical_values(double x, int degrees, double tail)
    {
        Assert.Equal(tail, ChiSquare.Survival(x, degrees), 9);
        Assert.Equal(1 - tail, ChiSquare.Cdf(x, degrees), 9);
    }

    [Fact]
    public void Chi_square_with_two_degrees_of_freedom_is_exponential_and_small_tails_keep_their_digits()
    {
        Assert.Equal(Math.Exp(-7), ChiSquare.Survival(14, 2), 15);
        // 20 with one degree of freedom: erfc(√10), far below what 1 - CDF could resolve to relative precision.
        Assert.Equal(1, ChiSquare.Survival(20, 1) / 7.744216431044074e-06, 12);
    }
}
