namespace DomainAssistant.Experiments;

/// <summary>
/// One message served to a user under an experiment, with what the guardrails watch: how long it took, whether it
/// failed, whether the assistant declined. Recorded once per message; a repeat of the same message id is ignored.
/// </summary>
public sealed record Exposure(
    string ExperimentId,
    string MessageId,
    string UserId,
    string Variant,
    DateTimeOffset ServedAt,
    double? LatencyMs = null,
    bool Failed = false,
    bool Declined = false);
