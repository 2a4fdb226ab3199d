namespace DomainAssistant.Experiments;

/// <summary>
/// One change to an experiment, as it happened: who, when, what (create, percent, ramp, pause, resume, promote,
/// rollback), the settings before (null on create) and after, as JSON. The store only ever appends these.
/// </summary>
public sealed record AuditEntry(long Sequence, string ExperimentId, string Actor, DateTimeOffset At, string Action, string? Before, string After, string? Reason);
