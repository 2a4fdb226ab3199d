using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using MassTransit;

namespace DomainAssistant.Api.Corpora;

/// <summary>Writes the reports of corpus ingestion jobs into the job store; reports of other jobs are ignored there.</summary>
public sealed class CorpusJobReportsConsumer(CorpusJobs jobs) : JobRecordReportsConsumer<CorpusJobs>(jobs), IConsumer<CorpusIngested>
{
    public Task Consume(ConsumeContext<CorpusIngested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Jobs.IngestedAsync(context.Message, context.CancellationToken);
    }
}
