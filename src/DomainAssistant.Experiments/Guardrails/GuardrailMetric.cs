namespace DomainAssistant.Experiments.Guardrails;

/// <summary>What a guardrail watches; each is a "lower is better" measure of a served message.</summary>
public enum GuardrailMetric
{
    /// <summary>Thumbs down per served message (not per rating: a variant that silences raters still shows).</summary>
    ThumbsDownRate,

    /// <summary>Served messages that ended in an error.</summary>
    ErrorRate,

    /// <summary>The 95th percentile of the time to serve a message.</summary>
    LatencyP95,

    /// <summary>Served messages where the assistant declined to answer.</summary>
    DeclineRate,
}
