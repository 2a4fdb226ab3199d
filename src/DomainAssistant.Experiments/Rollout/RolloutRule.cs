using System.Globalization;
using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Rollout;

/// <summary>
/// The experiment's own decision rule, applied without an operator: what to do with a running experiment given one
/// look at it. In order, the first that applies:
/// <list type="number">
/// <item>Not running: hold (paused and ended experiments are an operator's).</item>
/// <item>The always-valid test says the treatment is worse: roll back.</item>
/// <item>Still inconclusive after <see cref="RolloutPolicy.InconclusiveAfterRatings"/> ratings: roll back as inconclusive (the control stays).</item>
/// <item>A guardrail is breached: hold; the guardrail watch rolls it back, with the breach as its reason.</item>
/// <item>The split does not match the allocation (sample ratio mismatch): hold; the figures cannot be trusted to move
/// more users, and an operator must look.</item>
/// <item>A variant that holds users at this step has fewer than <see cref="RolloutPolicy.MinRatersPerStep"/> raters
/// of answers served at this step: hold.</item>
/// <item>Below the top of the ramp: ramp to the next step, whether the test says better or inconclusive so far, since
/// the guardrails are quiet and more users bring the decision sooner.</item>
/// <item>At the top, the test says better: promote.</item>
/// <item>Otherwise hold, until better, worse or the cap.</item>
/// </list>
/// The test's evidence is kept over the whole experiment, not per step (the interval only narrows), so a treatment
/// found better at 10% is still better at the top and is promoted once the top step has its raters.
/// </summary>
public static class RolloutRule
{
    public static RolloutStep Decide(ExperimentReport report, RolloutPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(policy);
        var experiment = report.Experiment;
        if (experiment.Status != ExperimentStatus.Running) return Hold($"the experiment is {experiment.Status.Name()}, not running");

        var evidence = report.Difference.Sequential;
        var interval = Text($"up-rate difference in [{evidence.Low:F3}, {evidence.High:F3}], always-valid p = {evidence.PValue:F4}");
        var decision = report.Difference.Decision;
        if (decision == ExperimentDecision.TreatmentWorse)
            return new RolloutStep(RolloutAction.RollBack, $"treatment worse than control: {interval}");

        long ratings = report.Variants.Sum(v => v.RatingsUp + v.RatingsDown);
        if (decision == ExperimentDecision.Inconclusive && ratings >= policy.InconclusiveAfterRatings)
            return new RolloutStep(RolloutAction.RollBack, Text($"inconclusive after {ratings} ratings (limit {policy.InconclusiveAfterRatings}): {interval}; the control stays"));

        if (report.Breached.Any())
            return Hold($"guardrails breached ({string.Join(", ", report.Breached.Select(b => b.Guardrail.Metric))}): the guardrail watch rolls it back");
        if (report.UsersRatio.Mismatch || report.RatersRatio.Mismatch)
            return Hold(Text($"sample ratio mismatch (users p = {report.UsersRatio.PValue:G3}, raters p = {report.RatersRatio.PValue:G3}): the split is broken, an operator must look"));

        var unseen = report.Variants.Where(v => v.Percent > 0 && v.RatersSinceAllocation < policy.MinRatersPerStep).ToList();
        if (unseen.Count > 0)
            return Hold(Text($"step {experiment.TreatmentPercent}%: {string.Join(", ", unseen.Select(v => $"{v.Name} has {v.RatersSinceAllocation}"))} of {policy.MinRatersPerStep} raters needed per variant"));

        var seen = Text($"step {experiment.TreatmentPercent}% seen by {string.Join(" and ", report.Variants.Select(v => $"{v.RatersSinceAllocation} {v.Name}"))} raters, guardrails quiet");
        if (experiment.NextRampStep is { } next)
            return new RolloutStep(RolloutAction.Ramp, Text($"{seen}, test {Name(decision)} ({interval}): ramp to {next}%"));
        if (decision == ExperimentDecision.TreatmentBetter)
            return new RolloutStep(RolloutAction.Promote, $"treatment better than control at the top of the ramp: {interval}; {seen}");
        return Hold(Text($"inconclusive at the top of the ramp after {ratings} of {policy.InconclusiveAfterRatings} ratings: {interval}"));
    }

    static RolloutStep Hold(string reason) => new(RolloutAction.Hold, reason);

    static string Name(ExperimentDecision decision) => decision switch
    {
        ExperimentDecision.TreatmentBetter => "says better",
        _ => "inconclusive",
    };

    // Reasons are read by operators anywhere: numbers in the invariant culture.
    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
