using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Operator;

/// <summary>Writes the reports of gate jobs into the job store; reports of other jobs are ignored there.</summary>
public sealed class GateJobReportsConsumer(GateJobs jobs) : JobRecordReportsConsumer<GateJobs>(jobs), IConsumer<AdapterGated>
{
    public Task Consume(ConsumeContext<AdapterGated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Jobs.GatedAsync(context.Message, context.CancellationToken);
    }
}
