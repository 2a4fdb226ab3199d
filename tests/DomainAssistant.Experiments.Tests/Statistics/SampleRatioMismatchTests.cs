using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

public sealed class SampleRatioMismatchTests
{
    [Fact]
    public void A_45_55_split_of_a_50_50_allocation_is_flagged_once_there_are_enough_users()
    {
        // 450/550: X² = 2·50²/500 = 10, p = erfc(√5) = 0.00157: suspicious, not yet below 0.001.
        var thousand = SampleRatioMismatch.Check([450, 550], [50, 50]);
        Assert.Equal(10, thousand.ChiSquare, 12);
        Assert.Equal(0.0015654022580025488, thousand.PValue, 12);
        Assert.False(thousand.Mismatch);

        // 900/1100: X² = 20, p = erfc(√10) = 7.7e-6.
        var twoThousand = SampleRatioMismatch.Check([900, 1100], [0.5, 0.5]);
        Assert.Equal(7.744216431044074e-06, twoThousand.PValue, 15);
        Assert.True(twoThousand.Mismatch);
    }

    [Fact]
    public void Counts_that_fit_an_unequal_allocation_are_not_flagged()
    {
        // 10% treatment: 100 of 1,000 is exactly the expectation.
        var check = SampleRatioMismatch.Check([900, 100], [90, 10]);
        Assert.Equal(0, check.ChiSquare, 12);
        Assert.Equal(1, check.PValue, 12);
    }

    [Fact]
    public void Three_variants_use_two_degrees_of_freedom()
    {
        // Expected 33.3 each: X² = (3.33² + 13.33² + 16.67²) / 33.33 = 14, p = e^-7 with two degrees of freedom.
        var check = SampleRatioMismatch.Check([30, 20, 50], [1, 1, 1]);
        Assert.Equal(14, check.ChiSquare, 10);
        Assert.Equal(0.0009118819655545162, check.PValue, 12);
        Assert.True(check.Mismatch);
    }

    [Fact]
    public void Users_in_a_variant_allocated_nothing_are_a_certain_mismatch() =>
        Assert.True(SampleRatioMismatch.Check([100, 3], [100, 0]).Mismatch);
}
