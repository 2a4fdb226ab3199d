using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Rollout;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Rollout;

/// <summary>The rollout's rule on worked looks: which action, and that the reason names what decided it.</summary>
public sealed class RolloutRuleTests
{
    static readonly RolloutPolicy Policy = new() { MinRatersPerStep = 50, InconclusiveAfterRatings = 5000 };
    static readonly SequentialEvidence Better = new(0.01, 0.02, 0.15);
    static readonly SequentialEvidence Worse = new(0.01, -0.15, -0.02);
    static readonly SequentialEvidence Undecided = new(0.4, -0.05, 0.08);

    /// <summary>A look at an experiment at <paramref name="percent"/> of a 10 → 25 → 50 ramp.</summary>
    static ExperimentReport Look(double percent, SequentialEvidence evidence, long raters = 60, long ratingsPerVariant = 400,
        bool breached = false, bool mismatch = false, ExperimentStatus status = ExperimentStatus.Running)
    {
        var now = DateTimeOffset.UnixEpoch;
        var experiment = new Experiment("exp_0123456789abcdef", "rollout", "tidewell-support", "sft", "rl-2", percent, [10, 25, 50], Guardrail.Defaults,
            status, "seed", now, now, evidence);
        VariantReport Variant(string name) => new(name, experiment.AdapterOf(name), experiment.PercentOf(name), ratingsPerVariant, raters,
            ratingsPerVariant / 2, ratingsPerVariant / 2, 0.5, new ConfidenceInterval(0.45, 0.55), null, raters);
        var guardrails = Guardrail.Defaults.Select((g, i) => new GuardrailVerdict(g, 0.01, 0.01, new ConfidenceInterval(-0.01, 0.01), breached && i == 0)).ToList();
        var ratio = new SampleRatioCheck(mismatch ? 30 : 0.1, mismatch ? 1e-6 : 0.7, mismatch);
        return new ExperimentReport(experiment, [Variant(ExperimentVariants.Control), Variant(ExperimentVariants.Treatment)],
            new DifferenceReport(0.05, new ConfidenceInterval(-0.01, 0.11), evidence), ratio, ratio, guardrails);
    }

    static SequentialEvidence Evidence(string test) => test switch
    {
        "better" => Better,
        "worse" => Worse,
        _ => Undecided,
    };

    /// <summary>Worked looks: the step, what the test says, raters per variant at this step, ratings per variant in all,
    /// the guardrails and the split; the action and a part of its reason.</summary>
    [Theory]
    [InlineData(10, "better", 60, 400, false, false, RolloutAction.Ramp, "says better (up-rate difference in [0.020, 0.150]")]
    [InlineData(10, "better", 60, 400, false, false, RolloutAction.Ramp, "ramp to 25%")]
    [InlineData(25, "undecided", 60, 400, false, false, RolloutAction.Ramp, "test inconclusive")] // quiet guardrails: more users, sooner decided
    [InlineData(50, "better", 60, 400, false, false, RolloutAction.Promote, "treatment better than control at the top of the ramp")]
    [InlineData(50, "better", 60, 4000, false, false, RolloutAction.Promote, "[0.020, 0.150]")] // better beats the cap
    [InlineData(10, "worse", 3, 400, false, false, RolloutAction.RollBack, "treatment worse than control")] // at any step, raters or not
    [InlineData(50, "undecided", 60, 2500, false, false, RolloutAction.RollBack, "inconclusive after 5000 ratings (limit 5000)")]
    [InlineData(50, "undecided", 60, 2400, false, false, RolloutAction.Hold, "inconclusive at the top of the ramp after 4800 of 5000")]
    [InlineData(50, "better", 60, 400, true, false, RolloutAction.Hold, "guardrails breached (ThumbsDownRate)")] // the guardrail watch's
    [InlineData(10, "better", 60, 400, false, true, RolloutAction.Hold, "sample ratio mismatch")]
    [InlineData(10, "better", 49, 400, false, false, RolloutAction.Hold, "control has 49, treatment has 49 of 50 raters")]
    public void The_rule_on_worked_looks(double percent, string test, long raters, long ratingsPerVariant, bool breached, bool mismatch,
        RolloutAction action, string reason)
    {
        var step = RolloutRule.Decide(Look(percent, Evidence(test), raters, ratingsPerVariant, breached, mismatch), Policy);

        Assert.Equal(action, step.Action);
        Assert.Contains(reason, step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variant_without_users_at_this_step_needs_no_raters()
    {
        var look = Look(50, Better);
        var allTreatment = look with
        {
            Experiment = look.Experiment with { TreatmentPercent = 100, Ramp = [10, 100] },
            Variants = [look.Variants[0] with { Percent = 0, RatersSinceAllocation = 0 }, look.Variants[1] with { Percent = 100 }],
        };

        Assert.Equal(RolloutAction.Promote, RolloutRule.Decide(allTreatment, Policy).Action);
    }

    [Fact]
    public void A_paused_experiment_is_left_to_its_operator()
    {
        Assert.Equal(RolloutAction.Hold, RolloutRule.Decide(Look(10, Worse, status: ExperimentStatus.Paused), Policy).Action);
    }
}
