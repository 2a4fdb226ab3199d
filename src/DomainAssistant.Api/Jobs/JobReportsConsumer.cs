using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Jobs;

/// <summary>Hands the reports of jobs this process started to <see cref="JobReports"/>; reports of other processes' jobs are ignored there.</summary>
public sealed class JobReportsConsumer(JobReports reports) : IConsumer<JobProgressed>, IConsumer<DomainModelBootstrapped>, IConsumer<JobFailed>
{
    public Task Consume(ConsumeContext<JobProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        reports.Progressed(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<DomainModelBootstrapped> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        reports.Bootstrapped(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<JobFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        reports.Failed(context.Message);
        return Task.CompletedTask;
    }
}
