namespace DomainAssistant.Contracts;

/// <summary>A gate (<see cref="GateAdapter"/>) ran to a verdict, which is stored with the candidate's checksum.</summary>
/// <param name="JobId">The run.</param>
/// <param name="AdapterId">The candidate.</param>
/// <param name="Verdict">"pass" or "fail".</param>
/// <param name="Summary">The verdict in words: each failed metric and why, or that all passed.</param>
/// <param name="ReportPath">The report (report.md) the gate wrote.</param>
public sealed record AdapterGated(Guid JobId, string AdapterId, string Verdict, string Summary, string? ReportPath);
