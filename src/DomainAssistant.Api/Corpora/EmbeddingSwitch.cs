using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Moves the index to another embedding space and the host's retrieval with it. When the catalog records another
/// space than the target's, every chunk is re-embedded into the target space's own store by a job handler
/// (<see cref="ReembedIndex"/> to <c>ReembedIndexConsumer</c>: in this process with <c>Jobs:RunInProcess</c>, lent the
/// embedder this process serves with; else in a worker, which builds the same one from the served model's files,
/// <see cref="ServedEmbedders.FilesOf"/>): a job of kind "re-embedding", progress in the log, on /health and at
/// GET /api/jobs/{id}, while the old stack keeps serving. When its outcome (<see cref="IndexReembedded"/>) comes, the
/// new vectors are read from disk, retrieval switches over and the old store is deleted. The lexical index is never
/// touched. No ingestion in this process runs meanwhile (<see cref="DomainCorpus.ExclusiveAsync"/>), so no document
/// can be written to the old space after its chunks were re-embedded.
/// </summary>
public sealed partial class EmbeddingSwitch(ActiveRetrieval retrieval, ServedEmbedders embedders, IChunkCatalog catalog, JobReports reports,
    VectorStoresBySpace stores, DomainCorpus corpus, IJobStore jobs, IHostApplicationLifetime lifetime, TimeProvider clock,
    ILogger<EmbeddingSwitch> logger)
{
    public const string JobKind = "re-embedding";

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
                await ReembedAsync(recorded, target.Space, warmup, cancellationToken);
                // The handler emptied the target store and wrote it anew: a stack over the store as it is now.
                target = retrieval.Build(target.Embedder, target.Space);
                retrieval.SwitchTo(target);
                stores.Delete(recorded);
            }
            else
            {
                retrieval.SwitchTo(target);
            }
        }, cancellationToken);
        LogServing(target.Space);
    }

    async Task ReembedAsync(EmbeddingSpace from, EmbeddingSpace to, Warmup warmup, CancellationToken cancellationToken)
    {
        await FailLeftoversAsync(cancellationToken);
        var what = $"re-embedding every chunk with {to} (the index holds {from})";
        var job = new JobRecord(Guid.NewGuid(), JobKind, "*", null, JobStates.Running, 0, what, 0, 0, 0, clock.GetUtcNow(), clock.GetUtcNow(), null, null, "host");
        await jobs.SaveAsync(job, cancellationToken);
        LogStarted(job.Id, from, to);
        var progress = new RecordedProgress(this, jobs, job, warmup, cancellationToken);
        try
        {
            await lifetime.WhenStartedAsync(cancellationToken);
            var done = await reports.ReembedAsync(new ReembedIndex(job.Id, to.ModelId, to.Dimensions, embedders.FilesOf(to)), progress.Note, cancellationToken);
            progress.Close();
            job = job with
            {
                State = JobStates.Succeeded, Progress = 1, FinishedAt = clock.GetUtcNow(), ChunksDone = done.Chunks,
                DocumentsDone = done.Documents, DocumentsTotal = done.Documents,
                Message = $"re-embedded {done.Chunks} chunks of {done.Documents} documents with {to}",
            };
            await jobs.SaveAsync(job, cancellationToken);
            LogFinished(job.Id, done.Chunks, done.Documents, to);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            progress.Close();
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

    /// <summary>
    /// Each note of the handler: on /health, in the log and in the job's record (chunks done of all). The reports reach
    /// this process's report queue, which may hand over two at once: a note older than the one recorded, or one that
    /// comes after the outcome, is left out, so the record never goes back nor overwrites the job's end.
    /// </summary>
    sealed class RecordedProgress(EmbeddingSwitch owner, IJobStore store, JobRecord job, Warmup warmup, CancellationToken cancellationToken)
    {
        readonly Lock _gate = new();
        long _recorded = -1;
        bool _closed;

        public void Note(JobProgressed note)
        {
            lock (_gate)
            {
                var step = note.Step ?? 0;
                if (_closed || step < _recorded) return;
                _recorded = step;
                warmup.Report(note.Note);
                owner.LogProgress(job.Id, step, note.Total ?? 0);
                // One small SQLite write, under the gate so that the job's outcome is written after it.
                store.SaveAsync(job with { Progress = note.Fraction ?? job.Progress, ChunksDone = (int)step, Message = note.Note }, cancellationToken)
                    .GetAwaiter().GetResult();
            }
        }

        /// <summary>The outcome came: later notes are left out.</summary>
        public void Close()
        {
            lock (_gate) _closed = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: the index holds vectors of {From}; re-embedding every chunk with {To}")]
    partial void LogStarted(Guid jobId, EmbeddingSpace from, EmbeddingSpace to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedded {Done} of {Total} chunks")]
    partial void LogProgress(Guid jobId, long done, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-embedded {Chunks} chunks of {Documents} documents with {Space}")]
    partial void LogFinished(Guid jobId, int chunks, int documents, EmbeddingSpace space);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval serves dense search with {Space}")]
    partial void LogServing(EmbeddingSpace space);
}
