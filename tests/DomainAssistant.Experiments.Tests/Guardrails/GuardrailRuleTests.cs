using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Tests.Guardrails;

public sealed class GuardrailRuleTests
{
    readonly MixtureSequentialTest _test = new(mixtureStandardDeviation: 0.05, alpha: 0.05);

    static GuardrailObservation Rates(long controlEvents, long controlN, long treatmentEvents, long treatmentN) =>
        new(UserCounts.OnePerUser(controlEvents, controlN), UserCounts.OnePerUser(treatmentEvents, treatmentN), 0, 0);

    [Fact]
    public void An_error_rate_clearly_above_control_plus_the_limit_is_breached()
    {
        // 1% against 5% over 2,000 messages each: the difference's interval lies wholly above the one-point limit.
        var verdict = GuardrailRule.Judge(new Guardrail(GuardrailMetric.ErrorRate, 0.01), Rates(20, 2000, 100, 2000), _test);
        Assert.True(verdict.Breached);
        Assert.True(verdict.Interval.Low > 0.01);
        Assert.Equal(0.05, verdict.TreatmentValue, 12);
    }

    [Fact]
    public void A_worse_rate_within_its_noise_or_within_the_limit_is_not_breached()
    {
        // Same rates on 50 messages: worse on the face of it, nowhere near sure.
        Assert.False(GuardrailRule.Judge(new Guardrail(GuardrailMetric.ErrorRate, 0.01), Rates(0, 50, 2, 50), _test).Breached);
        // Sure to be worse, but by about what the limit tolerates.
        Assert.False(GuardrailRule.Judge(new Guardrail(GuardrailMetric.DeclineRate, 0.05), Rates(1000, 10000, 1400, 10000), _test).Breached);
    }

    [Fact]
    public void Latency_is_breached_when_surely_more_than_five_percent_of_messages_exceed_the_budget()
    {
        var budget = new Guardrail(GuardrailMetric.LatencyP95, 2000);
        // 15% of 1,000 timed messages over budget: the p95 is above 2 s with confidence.
        var slow = new GuardrailObservation(UserCounts.OnePerUser(40, 1000), UserCounts.OnePerUser(150, 1000), 1500, 2600);
        Assert.True(GuardrailRule.Judge(budget, slow, _test).Breached);
        // 6% over budget on 300: consistent with a p95 at the budget.
        var close = new GuardrailObservation(UserCounts.OnePerUser(15, 300), UserCounts.OnePerUser(18, 300), 1900, 2050);
        Assert.False(GuardrailRule.Judge(budget, close, _test).Breached);
    }

    [Fact]
    public void Failures_bunched_in_a_few_users_are_a_few_unlucky_users_not_a_breach()
    {
        // 100 failures of 2,000 treatment messages: as independent messages, surely above 1% + 1 point. But 200 users
        // sent 10 messages each and the failures are all 10 messages of 10 users, so over users it is far less certain:
        // Σx² = 10·10², Σy² = 200·10², Σxy = 10·10·10.
        var guardrail = new Guardrail(GuardrailMetric.ErrorRate, 0.01);
        var control = UserCounts.OnePerUser(20, 2000);
        var bunched = new UserCounts(200, 100, 2000, 10 * 10.0 * 10, 200 * 10.0 * 10, 10 * 10.0 * 10);
        Assert.True(GuardrailRule.Judge(guardrail, new GuardrailObservation(control, UserCounts.OnePerUser(100, 2000), 0, 0), _test).Breached);
        Assert.False(GuardrailRule.Judge(guardrail, new GuardrailObservation(control, bunched, 0, 0), _test).Breached);
    }

    [Fact]
    public void No_breach_counts_before_each_arm_has_the_minimum_of_users() =>
        Assert.False(GuardrailRule.Judge(new Guardrail(GuardrailMetric.ErrorRate, 0.01), Rates(20, 2000, 100, 2000), _test, minimumUsers: 5000).Breached);

    [Theory]
    [InlineData(GuardrailMetric.ErrorRate, 1.5)]
    [InlineData(GuardrailMetric.ErrorRate, -0.1)]
    [InlineData(GuardrailMetric.LatencyP95, 0)]
    public void Limits_out_of_their_range_are_refused(GuardrailMetric metric, double limit) =>
        Assert.Throws<ArgumentException>(() => new Guardrail(metric, limit).Validate());
}
