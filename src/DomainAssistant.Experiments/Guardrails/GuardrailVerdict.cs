using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Guardrails;

/// <summary>
/// One guardrail at one look: both arms' values (rates, or p95 in milliseconds), the always-valid interval the rule
/// read (the rate difference, or the treatment's share of messages over the latency budget), and the verdict.
/// </summary>
public sealed record GuardrailVerdict(Guardrail Guardrail, double ControlValue, double TreatmentValue, ConfidenceInterval Interval, bool Breached);
