using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Guardrails;

/// <summary>
/// When a guardrail is breached with confidence. Guardrails are checked on a timer for as long as an experiment runs,
/// so each check is a look of an always-valid test (<see cref="MixtureSequentialTest"/>); a fixed-sample test checked
/// every interval would roll back good treatments by chance alone.
/// <list type="bullet">
/// <item>A rate is breached when the lower end of the confidence sequence for treatment minus control lies above the
/// tolerated increase: with confidence 1 - α, the treatment is worse by more than the limit.</item>
/// <item>The latency p95 exceeds a budget B exactly when more than 5% of messages take longer than B. It is breached
/// when the lower end of the confidence sequence for the treatment's share of messages slower than B lies above 0.05.</item>
/// </list>
/// Over every look of an experiment, a guardrail that holds is breached by chance with probability at most α. The
/// variances are over users (<see cref="UserCounts"/>): a user whose every message fails is one unlucky user, not many
/// independent failures.
/// </summary>
public static class GuardrailRule
{
    /// <summary>The share of messages a p95 leaves above itself.</summary>
    public const double ShareAboveP95 = 0.05;

    /// <param name="guardrail">The limit.</param>
    /// <param name="observation">Both arms' counts per user.</param>
    /// <param name="test">The always-valid test read.</param>
    /// <param name="minimumUsers">Users each arm it compares needs before a breach counts (the variance over users is
    /// estimated, and from a handful of users it can come out small by chance).</param>
    public static GuardrailVerdict Judge(Guardrail guardrail, GuardrailObservation observation, MixtureSequentialTest test, int minimumUsers = 0)
    {
        ArgumentNullException.ThrowIfNull(guardrail);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(test);
        if (guardrail.Metric == GuardrailMetric.LatencyP95)
        {
            var share = test.LookAtRate(observation.Treatment, ShareAboveP95);
            return new GuardrailVerdict(guardrail, observation.ControlValue, observation.TreatmentValue, share.Interval,
                share.Interval.Low > ShareAboveP95 && observation.Treatment.Users >= minimumUsers);
        }
        var difference = test.LookAtDifference(observation.Control, observation.Treatment, guardrail.Limit);
        return new GuardrailVerdict(guardrail, observation.Control.Pooled.Rate, observation.Treatment.Pooled.Rate, difference.Interval,
            difference.Interval.Low > guardrail.Limit && Math.Min(observation.Control.Users, observation.Treatment.Users) >= minimumUsers);
    }
}
