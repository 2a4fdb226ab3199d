namespace DomainAssistant.Evaluation.Gates;

/// <summary>A finished gate: the verdict, the cases that counted against the candidate, and how long each stage took.</summary>
public sealed record GateOutcome(GateVerdict Verdict, IReadOnlyList<CaseFinding> Findings, TimeSpan Generation, TimeSpan Scoring);
