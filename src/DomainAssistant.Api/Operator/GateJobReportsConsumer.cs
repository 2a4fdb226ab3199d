using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Operator;

/// <summary>Writes the reports of gate jobs into the job store; reports of other jobs are ignored there.</summary>
public sealed class GateJobReportsConsumer(GateJobs jobs) : IConsumer<JobProgressed>, IConsumer<AdapterGated>, IConsumer<JobFailed>
{
    public Task Consume(ConsumeContext<JobProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return jobs.ProgressedAsync(context.Message, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<AdapterGated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return jobs.GatedAsync(context.Message, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<JobFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return jobs.FailedAsync(context.Message, context.CancellationToken);
    }
}
