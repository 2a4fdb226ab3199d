using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Registry;
using MassTransit;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// Gate jobs: recorded in the job store (kind <see cref="Kind"/>) so <c>GET /api/jobs/{id}</c> follows them, and
/// published as <see cref="GateAdapter"/> to whichever host runs the job handlers. <see cref="GateJobReportsConsumer"/>
/// writes their reports back.
/// </summary>
public sealed class GateJobs(IJobStore jobs, IBus bus, TimeProvider clock) : IJobRecordReports
{
    public const string Kind = "adapter-gate";

    public async Task<JobRecord> StartAsync(RegisteredAdapter adapter, string suitePath, string baseModel, string? baselineFolder, string? requestedBy,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        var job = new JobRecord(Guid.NewGuid(), Kind, adapter.Domain, null, JobStates.Queued, 0, $"queued: the gate of {adapter.Id}", 0, 0, 0,
            clock.GetUtcNow(), null, null, null, requestedBy);
        await jobs.SaveAsync(job, cancellationToken);
        await bus.Publish(new GateAdapter(job.Id, adapter.Id, adapter.Domain, suitePath, baseModel, adapter.Folder, adapter.Sha256, baselineFolder), cancellationToken);
        return job;
    }

    public Task ProgressedAsync(JobProgressed note, CancellationToken cancellationToken) =>
        UpdateAsync(note.JobId, job => job with { State = JobStates.Running, Message = note.Note, StartedAt = job.StartedAt ?? clock.GetUtcNow() }, cancellationToken);

    internal Task GatedAsync(AdapterGated report, CancellationToken cancellationToken) =>
        UpdateAsync(report.JobId, job => job with
        {
            State = JobStates.Succeeded, Progress = 1, Message = report.Summary, StartedAt = job.StartedAt ?? clock.GetUtcNow(), FinishedAt = clock.GetUtcNow(),
        }, cancellationToken);

    public Task FailedAsync(JobFailed failure, CancellationToken cancellationToken) =>
        UpdateAsync(failure.JobId, job => job with
        {
            State = JobStates.Failed, Message = "the gate could not run", Error = failure.Error, FinishedAt = clock.GetUtcNow(),
        }, cancellationToken);

    // Reports of other jobs (the bootstrap's) come through the same messages; a finished job takes no late note.
    async Task UpdateAsync(Guid id, Func<JobRecord, JobRecord> change, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { Kind: Kind } job || JobStates.IsFinished(job.State)) return;
        await jobs.SaveAsync(change(job), cancellationToken);
    }
}
