using DomainAssistant.Experiments.Guardrails;
using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Bench.Experiments;

/// <summary>
/// The error-rate guardrail judged every evaluation interval, on simulated messages split 50/50: how often it
/// breaches when the treatment is no worse (false rollbacks), and how many intervals a real regression takes.
/// </summary>
static class GuardrailNoiseSimulation
{
    /// <returns>Per experiment, the interval at which the guardrail first breached; null = never.</returns>
    public static List<int?> Run(double controlErrors, double treatmentErrors, double limit, int messagesPerInterval, int intervals, int experiments)
    {
        var test = new MixtureSequentialTest(mixtureStandardDeviation: 0.05, alpha: 0.05);
        var guardrail = new Guardrail(GuardrailMetric.ErrorRate, limit);
        var breachedAt = new List<int?>(experiments);
        for (int e = 0; e < experiments; e++)
        {
            var random = new Random(20_000 + e);
            long controlFailed = 0, controlN = 0, treatmentFailed = 0, treatmentN = 0;
            int? at = null;
            for (int interval = 1; interval <= intervals && at is null; interval++)
            {
                for (int m = 0; m < messagesPerInterval; m++)
                {
                    if (random.NextDouble() < 0.5) { controlN++; if (random.NextDouble() < controlErrors) controlFailed++; }
                    else { treatmentN++; if (random.NextDouble() < treatmentErrors) treatmentFailed++; }
                }
                var observation = new GuardrailObservation(UserCounts.OnePerUser(controlFailed, controlN), UserCounts.OnePerUser(treatmentFailed, treatmentN), 0, 0);
                if (GuardrailRule.Judge(guardrail, observation, test).Breached) at = interval;
            }
            breachedAt.Add(at);
        }
        return breachedAt;
    }
}
