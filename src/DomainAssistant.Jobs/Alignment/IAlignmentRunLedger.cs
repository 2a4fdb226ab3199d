using DomainAssistant.Contracts;

namespace DomainAssistant.Jobs.Alignment;

/// <summary>
/// Alignment runs, shared by the API and the workers: at most one queued or running run per domain, and the filed
/// sequence each run covers, from which the trigger counts the feedback since a domain's last run. Each decision is
/// taken in one transaction, so two processes (or two feedbacks filed at once) cannot both queue a run.
/// <see cref="SqliteAlignmentRunLedger"/> keeps it in the embedded mode, <see cref="PostgresAlignmentRunLedger"/> in
/// scale-out.
/// </summary>
public interface IAlignmentRunLedger
{
    /// <summary>A start message that has not been confirmed sent for this long is sent again by the next trigger check.</summary>
    static readonly TimeSpan UnpublishedGrace = TimeSpan.FromSeconds(30);

    /// <summary>Queues <paramref name="start"/> unless the domain already has a queued or running run.</summary>
    /// <returns>The queued run and true; or the domain's active run and false.</returns>
    Task<(AlignmentRunEntry Run, bool Queued)> QueueAsync(StartAlignmentRun start, CancellationToken cancellationToken);

    /// <summary>
    /// The trigger's decision: when the domain has no active run and <paramref name="filedSince"/> (the domain's filed
    /// feedback after the last run's sequence) reaches <paramref name="threshold"/>, queues <paramref name="start"/>
    /// covering them. An active run whose start was never confirmed sent (and is older than
    /// <see cref="UnpublishedGrace"/>) is returned to be sent again.
    /// </summary>
    /// <returns>The run to send, or null.</returns>
    Task<AlignmentRunEntry?> QueueWhenDueAsync(StartAlignmentRun start, int threshold, Func<long, Task<(long Count, long? LastSequence)>> filedSince,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records that the run's start message went out.</summary>
    Task MarkPublishedAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a delivered start message: a queued run becomes running; a running one is resumed (its last holder
    /// stopped: a broker hands a message to one consumer at a time); a message never queued here is recorded running.
    /// </summary>
    /// <returns>The run to do, or null when it finished already (a repeated message).</returns>
    Task<AlignmentRunEntry?> StartAsync(StartAlignmentRun start, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the last filed sequence a run exported: the trigger counts from there (it never goes back).</summary>
    Task RecordWindowAsync(Guid id, long? lastSequence, CancellationToken cancellationToken);

    /// <summary>The run trained and gated its adapter (its folder and the SHA-256 of its weights).</summary>
    Task SucceedAsync(Guid id, string verdict, string adapter, string adapterSha256, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The run gave up, for <paramref name="reason"/> (shown as its error).</summary>
    Task FailAsync(Guid id, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The run, or null.</summary>
    Task<AlignmentRunEntry?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Every run of <paramref name="domain"/>, oldest first.</summary>
    Task<IReadOnlyList<AlignmentRunEntry>> ForDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Every run queued or running, in any domain, oldest first.</summary>
    Task<IReadOnlyList<AlignmentRunEntry>> UnfinishedAsync(CancellationToken cancellationToken);
}
