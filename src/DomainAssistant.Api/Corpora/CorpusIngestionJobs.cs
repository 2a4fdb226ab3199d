using DomainAssistant.Storage.Jobs;
using System.Threading.Channels;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Domains;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Ingests uploaded corpus versions into the retrieval index, one job at a time, in the background. Each job is a
/// row in <see cref="SqliteJobStore"/> whose state and progress clients poll; jobs that were queued or running when
/// the process stopped run again at the next start (ingestion is idempotent: unchanged documents are skipped).
/// </summary>
public sealed partial class CorpusIngestionJobs(SqliteJobStore store, DomainCatalog catalog, DomainCorpus corpus, TimeProvider clock,
    ILogger<CorpusIngestionJobs> logger) : BackgroundService
{
    public const string Kind = "corpus-ingestion";

    /// <summary>Least time between two progress writes while a job runs.</summary>
    static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the ingestion of <paramref name="version"/> of <paramref name="domain"/>.</summary>
    public async Task<JobRecord> EnqueueAsync(string domain, int version, string? requestedBy, CancellationToken cancellationToken)
    {
        var job = new JobRecord(Guid.NewGuid(), Kind, domain, version, JobStates.Queued, 0, $"waiting to index version {version}",
            0, 0, 0, clock.GetUtcNow(), null, null, null, requestedBy);
        await store.SaveAsync(job, cancellationToken);
        _queue.Writer.TryWrite(job.Id);
        return job;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = clock.GetUtcNow();
        await Task.Yield();
        // Jobs left unfinished by an earlier process; ones queued since this start are in the channel already.
        foreach (var unfinished in (await store.ListUnfinishedAsync(stoppingToken)).Where(j => j.Kind == Kind && j.CreatedAt < started))
        {
            await store.SaveAsync(unfinished with { State = JobStates.Queued, Message = "queued again: the host restarted before it finished" }, stoppingToken);
            _queue.Writer.TryWrite(unfinished.Id);
        }
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            // Only a queued job runs (an id can arrive twice if its job was queued just as this service started).
            if (await store.FindAsync(id, stoppingToken) is { State: JobStates.Queued } job) await RunAsync(job, stoppingToken);
        }
    }

    async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        job = job with { State = JobStates.Running, StartedAt = clock.GetUtcNow(), Message = "reading the corpus", Progress = 0 };
        await store.SaveAsync(job, stoppingToken);
        try
        {
            var domain = catalog.Find(job.Domain) ?? throw new InvalidOperationException($"the domain \"{job.Domain}\" no longer exists.");
            var report = await corpus.IngestAsync(domain, Reporter(job, stoppingToken), stoppingToken);
            job = await store.FindAsync(job.Id, stoppingToken) ?? job;
            job = job with
            {
                State = JobStates.Succeeded, Progress = 1, FinishedAt = clock.GetUtcNow(), ChunksDone = report.ChunksWritten,
                DocumentsDone = report.DocumentsIngested + report.DocumentsUnchanged, DocumentsTotal = report.DocumentsIngested + report.DocumentsUnchanged,
                Message = $"indexed {Count(report.DocumentsIngested + report.DocumentsUnchanged, "document")} ({report.DocumentsIngested} new or changed, " +
                    $"{report.DocumentsUnchanged} unchanged, {report.DocumentsRemoved} removed), {Count(report.ChunksWritten, "chunk")} written",
            };
            await store.SaveAsync(job, stoppingToken);
            LogSucceeded(job.Id, job.Domain, job.Version, job.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left "running": the next start queues it again.
        }
        catch (Exception error)
        {
            LogFailed(error, job.Id, job.Domain, job.Version);
            job = await store.FindAsync(job.Id, CancellationToken.None) ?? job;
            await store.SaveAsync(job with { State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = error.Message, Message = "failed" }, CancellationToken.None);
        }
    }

    /// <summary>Writes progress as it comes, at most every <see cref="ProgressInterval"/> (and always the last document).</summary>
    Action<IngestionProgress> Reporter(JobRecord job, CancellationToken cancellationToken)
    {
        var last = DateTimeOffset.MinValue;
        return progress =>
        {
            var now = clock.GetUtcNow();
            if (progress.DocumentsDone < progress.DocumentsTotal && now - last < ProgressInterval) return;
            last = now;
            var update = job with
            {
                Progress = progress.DocumentsTotal == 0 ? 0 : (double)progress.DocumentsDone / progress.DocumentsTotal,
                DocumentsDone = progress.DocumentsDone, DocumentsTotal = progress.DocumentsTotal, ChunksDone = progress.ChunksDone,
                Message = $"indexing {progress.DocumentsDone} of {Count(progress.DocumentsTotal, "document")} ({progress.DocumentId})",
            };
            // The ingestor reports synchronously between documents; one small SQLite write keeps the order.
            store.SaveAsync(update, cancellationToken).GetAwaiter().GetResult();
        };
    }

    static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: corpus version {Version} of {Domain} {Outcome}")]
    partial void LogSucceeded(Guid jobId, string domain, int? version, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: ingesting corpus version {Version} of {Domain} failed")]
    partial void LogFailed(Exception error, Guid jobId, string domain, int? version);
}
