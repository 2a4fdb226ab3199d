using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Statistics;

public sealed class MixtureSequentialTestTests
{
    readonly MixtureSequentialTest _test = new(mixtureStandardDeviation: 0.1, alpha: 0.05);

    [Fact]
    public void Matches_the_closed_form_worked_by_hand()
    {
        // Δ = 0.1, v = 0.0025 (standard error 0.05), τ² = 0.01:
        // ln Λ = ½ ln(0.0025/0.0125) + 0.01·0.01 / (2·0.0025·0.0125) = -0.8047190 + 1.6 = 0.7952810; p = e^-0.7952810.
        // half-width = √(2·0.0025·0.0125/0.01 · (ln 20 + ½ ln 5)) = √(0.00625 · 3.8004512) = 0.1541195.
        var look = _test.Look(0.1, 0.0025);
        Assert.Equal(0.7952810437829498, _test.LogLikelihoodRatio(0.1, 0.0025), 12);
        Assert.Equal(0.451454338656559, look.PValue, 12);
        Assert.Equal(0.1 - 0.15411949969445465, look.Interval.Low, 12);
        Assert.Equal(0.1 + 0.15411949969445465, look.Interval.High, 12);
    }

    [Fact]
    public void The_interval_ends_are_exactly_the_nulls_rejected_at_alpha()
    {
        var look = _test.Look(0.03, 0.0004);
        Assert.Equal(0.05, _test.Look(0.03, 0.0004, nullValue: look.Interval.Low).PValue, 10);
        Assert.Equal(0.05, _test.Look(0.03, 0.0004, nullValue: look.Interval.High).PValue, 10);
    }

    [Fact]
    public void It_is_more_cautious_than_the_fixed_horizon_test_on_the_same_data()
    {
        // 56/70 against 48/80: the z-test gives 0.008; the always-valid p-value pays for unlimited looks.
        var control = new Proportion(48, 80);
        var treatment = new Proportion(56, 70);
        Assert.Equal(0.00804508136819659, FixedHorizonTest.PValue(control, treatment), 10);
        Assert.True(_test.LookAtDifference(control, treatment).PValue > FixedHorizonTest.PValue(control, treatment));
    }

    [Fact]
    public void A_large_true_difference_is_found_and_its_sign_read_from_the_interval()
    {
        var look = _test.LookAtDifference(new Proportion(2500, 5000), new Proportion(2900, 5000));
        Assert.True(look.PValue < 0.05);
        var evidence = SequentialEvidence.None.After(look);
        Assert.Equal(ExperimentDecision.TreatmentBetter, evidence.Decision);
        Assert.True(evidence.Low > 0);
    }

    [Fact]
    public void Evidence_keeps_the_smallest_p_value_and_the_tightest_interval_over_looks()
    {
        var first = new SequentialLook(0.05, 0.02, new ConfidenceInterval(0.01, 0.20));
        var second = new SequentialLook(0.03, 0.30, new ConfidenceInterval(-0.02, 0.10));
        var evidence = SequentialEvidence.None.After(first).After(second);
        Assert.Equal(new SequentialEvidence(0.02, 0.01, 0.10), evidence);
        Assert.Equal(ExperimentDecision.TreatmentBetter, evidence.Decision);
    }

    [Fact]
    public void Without_data_in_both_arms_a_look_says_nothing()
    {
        var look = _test.LookAtDifference(new Proportion(0, 0), new Proportion(3, 4));
        Assert.Equal(1, look.PValue);
        Assert.Equal(ExperimentDecision.Inconclusive, SequentialEvidence.None.After(look).Decision);
    }
}
