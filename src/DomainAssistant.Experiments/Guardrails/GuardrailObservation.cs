using DomainAssistant.Experiments.Statistics;

namespace DomainAssistant.Experiments.Guardrails;

/// <summary>
/// What a guardrail is judged on, summed per user (users are the units the assignment randomises). For a rate:
/// events out of served messages in each arm. For the latency p95: in each arm, the messages slower than the budget
/// out of the timed ones, and each arm's observed p95 for display.
/// </summary>
public sealed record GuardrailObservation(UserCounts Control, UserCounts Treatment, double ControlValue, double TreatmentValue);
