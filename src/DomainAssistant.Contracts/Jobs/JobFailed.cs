namespace DomainAssistant.Contracts;

/// <summary>A job gave up; the worker's log has the full exception.</summary>
/// <param name="JobId">The run.</param>
/// <param name="Error">Why, in words.</param>
public sealed record JobFailed(Guid JobId, string Error);
