using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using MassTransit;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// Keeps an alignment run's job record (what <c>GET /api/jobs/{id}</c> shows) up to date from its reports: the start
/// (a run the feedback trigger started has no record yet), progress notes, then the failure; the verdict is
/// <see cref="AlignmentRunFinishedConsumer"/>'s, on the same queue. Reports about other jobs are not ours and are left
/// alone; a late progress note never reopens a finished record.
/// </summary>
public sealed class AlignmentRunReportsConsumer(IJobStore jobs, TimeProvider clock)
    : IConsumer<StartAlignmentRun>, IConsumer<JobProgressed>, IConsumer<JobFailed>
{
    /// <summary>The record of a run just queued.</summary>
    public static JobRecord Queued(StartAlignmentRun start, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new JobRecord(start.JobId, AlignmentRunsApi.Kind, start.Domain, null, JobStates.Queued, 0, $"waiting to run {start.Method}", 0, 0, 0, now,
            null, null, null, start.RequestedBy);
    }

    public async Task Consume(ConsumeContext<StartAlignmentRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var start = context.Message;
        if (await jobs.FindAsync(start.JobId, context.CancellationToken) is null)
            await jobs.SaveAsync(Queued(start, clock.GetUtcNow()), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<JobProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var note = context.Message;
        if (await OursAsync(note.JobId, context.CancellationToken) is not { } job || JobStates.IsFinished(job.State)) return;
        await jobs.SaveAsync(job with
        {
            State = JobStates.Running, StartedAt = job.StartedAt ?? clock.GetUtcNow(), Message = note.Note, Progress = note.Fraction ?? job.Progress,
            Stage = note.Phase is { } phase ? new JobStage(phase, note.Step, note.Total, note.SecondsLeft) : job.Stage,
        }, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<JobFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Message;
        if (await OursAsync(failure.JobId, context.CancellationToken) is not { } job) return;
        await jobs.SaveAsync(job with { State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = failure.Error, Message = "failed" }, context.CancellationToken);
    }

    /// <summary>The job record of an alignment run, or null for any other job's.</summary>
    public static async Task<JobRecord?> OursAsync(IJobStore jobs, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return await jobs.FindAsync(jobId, cancellationToken) is { Kind: AlignmentRunsApi.Kind } job ? job : null;
    }

    Task<JobRecord?> OursAsync(Guid jobId, CancellationToken cancellationToken) => OursAsync(jobs, jobId, cancellationToken);
}
