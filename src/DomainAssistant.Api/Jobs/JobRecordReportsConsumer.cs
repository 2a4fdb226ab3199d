using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Jobs;

/// <summary>
/// Writes the notes and failures of one kind of recorded job (<typeparamref name="TJobs"/>) into the job store; the
/// subclass consumes the kind's own outcome message as well.
/// </summary>
/// <typeparam name="TJobs">The kind's records.</typeparam>
public abstract class JobRecordReportsConsumer<TJobs>(TJobs jobs) : IConsumer<JobProgressed>, IConsumer<JobFailed>
    where TJobs : IJobRecordReports
{
    protected TJobs Jobs => jobs;

    public Task Consume(ConsumeContext<JobProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return jobs.ProgressedAsync(context.Message, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<JobFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return jobs.FailedAsync(context.Message, context.CancellationToken);
    }
}
