using DomainAssistant.Contracts;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Lexical;
using MassTransit;

namespace DomainAssistant.Api.Jobs;

/// <summary>
/// Hands the reports of jobs this process started to <see cref="JobReports"/>; reports of other processes' jobs are
/// ignored there. Every API process gets every report (<see cref="JobReportsConsumerDefinition"/>), so this is also
/// where each one learns that an ingestion changed a domain's index, whoever ran it.
/// </summary>
public sealed class JobReportsConsumer(JobReports reports, VectorStoresBySpace vectors, IChunkCatalog chunks)
    : IConsumer<JobProgressed>, IConsumer<DomainModelBootstrapped>, IConsumer<CorpusIngested>, IConsumer<IndexReembedded>, IConsumer<JobFailed>
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
        reports.Finished(context.Message.JobId, context.Message);
        return Task.CompletedTask;
    }

    /// <remarks>
    /// A worker wrote the domain's vector file behind the copy this process holds in memory: the serving stores read
    /// it again (the lexical index is SQLite, read fresh by every query). After this process's own ingestion the file
    /// holds what the memory did, so reading it again changes nothing.
    /// </remarks>
    public Task Consume(ConsumeContext<CorpusIngested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        vectors.Reread(context.Message.Domain);
        reports.Finished(context.Message.JobId, context.Message);
        return Task.CompletedTask;
    }

    /// <remarks>
    /// The handler wrote the new space's vector files, in this process or another: whatever this process holds of that
    /// space is read again, so the process that asked switches to complete vectors and the others serve them once they
    /// move to that space. The switch itself belongs to the process that asked (<see cref="Corpora.EmbeddingSwitch"/>).
    /// </remarks>
    public async Task Consume(ConsumeContext<IndexReembedded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var domain in await chunks.ListDomainsAsync(context.CancellationToken)) vectors.Reread(domain);
        reports.Finished(context.Message.JobId, context.Message);
    }

    public Task Consume(ConsumeContext<JobFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        reports.Failed(context.Message);
        return Task.CompletedTask;
    }
}
