using DomainAssistant.Contracts;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// Runs a <see cref="ReembedIndex"/> job: embeds every chunk of the index with the host's embedder of the target space
/// (<see cref="IServedEmbedders"/>: the served model's, or the model-free one) into that space's own store, publishing "re-embedding: n of m chunks" as
/// <see cref="JobProgressed"/> (steps are chunks), then <see cref="IndexReembedded"/>, or <see cref="JobFailed"/> with
/// the reason (the full exception goes to this host's log). The target store is emptied first, so a run cut short by a
/// stopping host, or delivered twice, is simply redone; the old space's store keeps serving until the API switches.
/// </summary>
public sealed partial class ReembedIndexConsumer(IServedEmbedders embedders, CorpusReembedder reembedder, VectorStoresBySpace stores, TimeProvider clock,
    ILogger<ReembedIndexConsumer> logger) : IConsumer<ReembedIndex>
{
    /// <summary>Least time between two progress notes (the last chunk is always told).</summary>
    static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task Consume(ConsumeContext<ReembedIndex> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Message;
        var target = new EmbeddingSpace(job.ModelId, job.Dimensions);
        using var span = AssistantTelemetry.Source.StartActivity("reembed-index");
        span?.SetTag("space", target.ToString());
        var progress = new PublishedProgress(context, job.JobId);
        var cancellationToken = context.CancellationToken;
        try
        {
            var report = await embedders.EmbedAsync(target, job.Model, embedder =>
            {
                LogStarted(job.JobId, target);
                stores.Delete(target); // leftovers of an interrupted run: start the space from empty
                return reembedder.ReembedAsync(embedder, stores.Open(target), Throttled(progress, job.JobId), cancellationToken);
            }, cancellationToken);
            if (report.Space != target)
                throw new InvalidOperationException($"the embedder handed out for {target} embedded with {report.Space}; the index was recorded with {report.Space}.");
            await progress.DrainAsync();
            await context.Publish(new IndexReembedded(job.JobId, target.ModelId, target.Dimensions, report.Documents, report.Chunks), cancellationToken);
            LogFinished(job.JobId, report.Chunks, report.Documents, target);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            LogFailed(error, job.JobId, target);
            await progress.FailAsync(error, logger);
        }
    }

    Action<ReembeddingProgress> Throttled(PublishedProgress progress, Guid jobId)
    {
        var last = DateTimeOffset.MinValue;
        return p =>
        {
            var now = clock.GetUtcNow();
            if (p.ChunksDone < p.ChunksTotal && now - last < ProgressInterval) return;
            last = now;
            progress.Report($"re-embedding: {p.ChunksDone} of {p.ChunksTotal} chunks (job {jobId})", p.ChunksDone, p.ChunksTotal);
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedding every chunk with {To}")]
    partial void LogStarted(Guid jobId, EmbeddingSpace to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedded {Chunks} chunks of {Documents} documents with {Space}")]
    partial void LogFinished(Guid jobId, int chunks, int documents, EmbeddingSpace space);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: re-embedding the index with {Space} failed")]
    partial void LogFailed(Exception error, Guid jobId, EmbeddingSpace space);
}
