using DomainAssistant.Experiments.Guardrails;

namespace DomainAssistant.Api.Operator;

/// <summary>The body of <c>POST /api/operator/experiments</c>.</summary>
/// <param name="Name">The operator's name for it.</param>
/// <param name="Domain">The domain whose chats it splits.</param>
/// <param name="Control">A registered adapter id, or null for the host's default adapter.</param>
/// <param name="Treatment">The registered adapter under test; it needs a passing gate verdict on its file as it is.</param>
/// <param name="TreatmentPercent">The treatment's share of users, 0-100.</param>
/// <param name="Ramp">Later shares, rising.</param>
/// <param name="Guardrails">Limits by metric (<c>thumbs_down_rate</c>, <c>error_rate</c>, <c>decline_rate</c>: tolerated increase;
/// <c>latency_p95</c>: a budget in milliseconds); null = the defaults.</param>
public sealed record ExperimentRequest(string? Name, string? Domain, string? Control, string? Treatment, double? TreatmentPercent,
    IReadOnlyList<double>? Ramp, IReadOnlyDictionary<string, double>? Guardrails)
{
    /// <summary>The guardrails asked for, or the field problem.</summary>
    public (IReadOnlyList<Guardrail>? Guardrails, string? Problem) ReadGuardrails()
    {
        if (Guardrails is null) return (null, null);
        var read = new List<Guardrail>();
        foreach (var (key, limit) in Guardrails)
        {
            GuardrailMetric? metric = key switch
            {
                "thumbs_down_rate" => GuardrailMetric.ThumbsDownRate,
                "error_rate" => GuardrailMetric.ErrorRate,
                "decline_rate" => GuardrailMetric.DeclineRate,
                "latency_p95" => GuardrailMetric.LatencyP95,
                _ => null,
            };
            if (metric is null) return (null, $"guardrails.{key} is not a guardrail (thumbs_down_rate, error_rate, decline_rate, latency_p95).");
            read.Add(new Guardrail(metric.Value, limit));
        }
        return (read, null);
    }
}

/// <summary>The body of <c>PATCH /api/operator/experiments/{id}</c>.</summary>
/// <param name="TreatmentPercent">The treatment's new share of users, 0-100.</param>
public sealed record ExperimentChange(double? TreatmentPercent);
