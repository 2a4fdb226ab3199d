namespace DomainAssistant.Experiments.Guardrails;

/// <summary>
/// A limit the treatment must not cross. For the three rates, <see cref="Limit"/> is the largest tolerated increase
/// of the treatment's rate over the control's, in absolute terms (0.02 = two points). For
/// <see cref="GuardrailMetric.LatencyP95"/> it is a budget in milliseconds the treatment's p95 must stay under.
/// </summary>
public sealed record Guardrail(GuardrailMetric Metric, double Limit)
{
    /// <summary>
    /// What an experiment gets when it names none: the rates only, since a latency budget depends on the model
    /// and machine. The margins leave room for noise-free small regressions; operators tighten them per experiment.
    /// </summary>
    public static IReadOnlyList<Guardrail> Defaults { get; } =
    [
        new(GuardrailMetric.ThumbsDownRate, 0.02),
        new(GuardrailMetric.ErrorRate, 0.01),
        new(GuardrailMetric.DeclineRate, 0.05),
    ];

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Metric)) throw new ArgumentException($"Unknown guardrail metric {(int)Metric}.");
        if (Metric == GuardrailMetric.LatencyP95
                ? !(Limit > 0 && double.IsFinite(Limit))
                : !(Limit >= 0 && Limit < 1))
            throw new ArgumentException(Metric == GuardrailMetric.LatencyP95
                ? $"The latency guardrail's limit is a budget in milliseconds above 0, not {Limit}."
                : $"The {Metric} guardrail's limit is a tolerated increase between 0 and 1, not {Limit}.");
    }
}
