namespace DomainAssistant.Storage.Jobs;

/// <summary>
/// Background jobs as <c>GET /api/jobs/{id}</c> shows them, kept outside the process so their outcome outlives it and a
/// job cut short by a restart can be run again: <see cref="SqliteJobStore"/> in the embedded mode,
/// <see cref="PostgresJobStore"/> in scale-out, where any API process may answer for a job another one started.
/// </summary>
public interface IJobStore
{
    /// <summary>Stores a new job or replaces the stored one with the same id.</summary>
    Task SaveAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>The job, or null when the id is unknown.</summary>
    Task<JobRecord?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Jobs queued or running (cut short when the process stopped), oldest first.</summary>
    Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>How many jobs are stored.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
