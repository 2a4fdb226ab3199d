namespace DomainAssistant.Jobs.Alignment;

/// <summary>One alignment run as the ledger keeps it.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Method">"rloo" or "kto".</param>
/// <param name="State">queued, running, succeeded or failed (<see cref="AlignmentRunStates"/>).</param>
/// <param name="RequestedBy">An operator key's name, or <see cref="AlignmentTrigger.RequestedBy"/>.</param>
/// <param name="FeedbackThrough">The last filed sequence of the domain the run covers: counted when the trigger queued it, exported once it ran.</param>
/// <param name="Published">Whether its start message is known to have gone out.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="Verdict">"pass" or "fail" once gated.</param>
/// <param name="Adapter">The adapter it wrote.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="AdapterSha256">The SHA-256 of the adapter's weights, recorded when it succeeded.</param>
public sealed record AlignmentRunEntry(Guid Id, string Domain, string Method, string State, string RequestedBy, long? FeedbackThrough, bool Published,
    DateTimeOffset CreatedAt, string? Verdict, string? Adapter, string? Error, string? AdapterSha256);
