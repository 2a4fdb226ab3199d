using DomainAssistant.Contracts;

namespace DomainAssistant.Api.Jobs;

/// <summary>
/// A kind of job the API records in the job store and a handler runs (gates, corpus ingestion): how its record takes
/// the reports every job sends. Each implementation leaves reports of other kinds' jobs, and late notes on a finished
/// record, alone.
/// </summary>
public interface IJobRecordReports
{
    Task ProgressedAsync(JobProgressed note, CancellationToken cancellationToken);

    Task FailedAsync(JobFailed failure, CancellationToken cancellationToken);
}
