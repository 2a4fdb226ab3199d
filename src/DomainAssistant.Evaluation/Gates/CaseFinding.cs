namespace DomainAssistant.Evaluation.Gates;

/// <summary>A case the candidate got wrong where the baseline got it right, for the report.</summary>
/// <param name="CaseId">The suite case.</param>
/// <param name="Metric">The metric it counted against.</param>
/// <param name="Question">What was asked.</param>
/// <param name="Answer">The candidate's answer.</param>
/// <param name="Why">What was wrong with it.</param>
public sealed record CaseFinding(string CaseId, GateMetric Metric, string Question, string Answer, string Why);
