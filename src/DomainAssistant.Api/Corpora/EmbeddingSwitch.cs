using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Moves the index to another embedding space and the host's retrieval with it. When the catalog records another
/// space than the target's, every chunk is re-embedded into the target space's own store as a background job
/// (kind "re-embedding", progress in the log, on /health and at GET /api/jobs/{id}) while the old stack keeps
/// serving; then the new space is recorded, retrieval switches over and the old store is deleted. The lexical index
/// is never touched. No ingestion in this process runs meanwhile (<see cref="DomainCorpus.ExclusiveAsync"/>), so no
/// document can be written to the old space after its chunks were re-embedded. It is no job handler: it embeds with
/// the model this host loaded and ends by switching this host's serving stack (docs/corpus-upload.md, "Jobs").
/// </summary>
public sealed partial class EmbeddingSwitch(ActiveRetrieval retrieval, IChunkCatalog catalog, CorpusReembedder reembedder,
    VectorStoresBySpace stores, DomainCorpus corpus, SqliteJobStore jobs, TimeProvider clock, ILogger<EmbeddingSwitch> logger)
{
    public const string JobKind = "re-embedding";

    /// <summary>Least time between two progress writes.</summary>
    static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Makes <paramref name="target"/> the serving stack, re-embedding the index first when its vectors are of another space.</summary>
    /// <param name="target">The stack to serve from.</param>
    /// <param name="warmup">Shows the progress while re-embedding.</param>
    /// <param name="cancellationToken">The host is stopping: the job is left unfinished and runs again at the next start.</param>
    public async Task SwitchToAsync(SpaceRetrieval target, Warmup warmup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(warmup);
        await corpus.ExclusiveAsync(async () =>
        {
            var recorded = await catalog.GetEmbeddingSpaceAsync(cancellationToken);
            if (recorded is not null && recorded != target.Space && await catalog.CountChunksAsync(null, cancellationToken) > 0)
            {
                await ReembedAsync(recorded, target, warmup, cancellationToken);
                stores.Delete(recorded);
            }
            retrieval.SwitchTo(target);
        }, cancellationToken);
        LogServing(target.Space);
    }

    async Task ReembedAsync(EmbeddingSpace from, SpaceRetrieval target, Warmup warmup, CancellationToken cancellationToken)
    {
        await FailLeftoversAsync(cancellationToken);
        var what = $"re-embedding every chunk with {target.Space} (the index holds {from})";
        var job = new JobRecord(Guid.NewGuid(), JobKind, "*", null, JobStates.Running, 0, what, 0, 0, 0, clock.GetUtcNow(), clock.GetUtcNow(), null, null, "host");
        await jobs.SaveAsync(job, cancellationToken);
        LogStarted(job.Id, from, target.Space);
        stores.Delete(target.Space); // leftovers of an interrupted run: start the space from empty
        try
        {
            var report = await reembedder.ReembedAsync(target.Embedder, stores.Open(target.Space), Reporter(job, warmup, cancellationToken), cancellationToken);
            job = job with
            {
                State = JobStates.Succeeded, Progress = 1, FinishedAt = clock.GetUtcNow(), ChunksDone = report.Chunks,
                DocumentsDone = report.Documents, DocumentsTotal = report.Documents,
                Message = $"re-embedded {report.Chunks} chunks of {report.Documents} documents with {report.Space}",
            };
            await jobs.SaveAsync(job, cancellationToken);
            LogFinished(job.Id, report.Chunks, report.Documents, report.Space);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await jobs.SaveAsync(job with { State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = error.Message, Message = "failed" }, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A re-embedding cut short by a restart is redone from scratch by this one: its old record says so.</summary>
    async Task FailLeftoversAsync(CancellationToken cancellationToken)
    {
        foreach (var stale in (await jobs.ListUnfinishedAsync(cancellationToken)).Where(j => j.Kind == JobKind))
            await jobs.SaveAsync(stale with { State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = "the host stopped before it finished; a new re-embedding replaces it" },
                cancellationToken);
    }

    Action<ReembeddingProgress> Reporter(JobRecord job, Warmup warmup, CancellationToken cancellationToken)
    {
        var last = DateTimeOffset.MinValue;
        return progress =>
        {
            var now = clock.GetUtcNow();
            if (progress.ChunksDone < progress.ChunksTotal && now - last < ProgressInterval) return;
            last = now;
            var message = $"re-embedding: {progress.ChunksDone} of {progress.ChunksTotal} chunks (job {job.Id})";
            warmup.Report(message);
            LogProgress(job.Id, progress.ChunksDone, progress.ChunksTotal);
            var update = job with
            {
                Progress = progress.ChunksTotal == 0 ? 1 : (double)progress.ChunksDone / progress.ChunksTotal, ChunksDone = progress.ChunksDone, Message = message,
            };
            // Reported synchronously between documents; one small SQLite write keeps the order.
            jobs.SaveAsync(update, cancellationToken).GetAwaiter().GetResult();
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: the index holds vectors of {From}; re-embedding every chunk with {To}")]
    partial void LogStarted(Guid jobId, EmbeddingSpace from, EmbeddingSpace to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedded {Done} of {Total} chunks")]
    partial void LogProgress(Guid jobId, int done, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedded {Chunks} chunks of {Documents} documents with {Space}")]
    partial void LogFinished(Guid jobId, int chunks, int documents, EmbeddingSpace space);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval serves dense search with {Space}")]
    partial void LogServing(EmbeddingSpace space);
}
