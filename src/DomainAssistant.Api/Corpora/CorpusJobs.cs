using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Storage.Jobs;
using MassTransit;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Corpus ingestion jobs (kind <see cref="Kind"/>): each is a row in the job store, which <c>GET /api/jobs/{id}</c>
/// shows, and an <see cref="IngestCorpus"/> message to whichever host runs the job handlers (this process with
/// <c>Jobs:RunInProcess</c>, else a worker). <see cref="CorpusJobReportsConsumer"/> writes their reports into the row;
/// <see cref="CorpusJobsRequeue"/> sends again, at start, the jobs an in-memory bus lost with the last process.
/// </summary>
public sealed class CorpusJobs(IJobStore store, DomainCatalog catalog, CorpusVersions versions, JobReports reports, IBus bus, TimeProvider clock)
    : IJobRecordReports
{
    public const string Kind = "corpus-ingestion";

    /// <summary>Queues the ingestion of an upload: <paramref name="version"/> of <paramref name="domain"/>.</summary>
    public async Task<JobRecord> StartAsync(DomainProfile domain, int version, string? requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var job = Queued(domain.Name, version, $"waiting to index version {version}", requestedBy);
        await store.SaveAsync(job, cancellationToken);
        await bus.Publish(Message(job.Id, domain), cancellationToken);
        return job;
    }

    /// <summary>Re-ingests <paramref name="domain"/> as a job like an upload's, and waits for it: what it did.</summary>
    /// <exception cref="InvalidOperationException">The job failed; the message says why.</exception>
    public async Task<IngestionReport> ReindexAsync(DomainProfile domain, string? requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var job = Queued(domain.Name, versions.Latest(domain.Name)?.Manifest.Version, "waiting to index the corpus again", requestedBy);
        await store.SaveAsync(job, cancellationToken);
        var done = await reports.IngestAsync(Message(job.Id, domain), cancellationToken);
        return new IngestionReport(done.DocumentsIngested, done.DocumentsUnchanged, done.DocumentsRemoved, done.ChunksWritten);
    }

    /// <summary>
    /// Sends again the jobs left queued or running by a process that stopped before they finished (created before
    /// <paramref name="startedAt"/>); a job whose domain is gone fails, saying so.
    /// </summary>
    public async Task RequeueAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        foreach (var unfinished in (await store.ListUnfinishedAsync(cancellationToken)).Where(j => j.Kind == Kind && j.CreatedAt < startedAt))
        {
            if (catalog.Find(unfinished.Domain) is not { } domain)
            {
                await store.SaveAsync(unfinished with
                {
                    State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = $"the domain \"{unfinished.Domain}\" no longer exists.", Message = "failed",
                }, cancellationToken);
                continue;
            }
            await store.SaveAsync(unfinished with { State = JobStates.Queued, Message = "queued again: the host restarted before it finished" }, cancellationToken);
            await bus.Publish(Message(unfinished.Id, domain), cancellationToken);
        }
    }

    /// <summary>A note marks the job running (started now when it was queued) with the documents done so far.</summary>
    public Task ProgressedAsync(JobProgressed note, CancellationToken cancellationToken) =>
        UpdateAsync(note.JobId, job => job with
        {
            State = JobStates.Running, StartedAt = job.State == JobStates.Queued ? clock.GetUtcNow() : job.StartedAt ?? clock.GetUtcNow(), Message = note.Note,
            Progress = note.Fraction ?? job.Progress, DocumentsDone = (int?)note.Step ?? job.DocumentsDone, DocumentsTotal = (int?)note.Total ?? job.DocumentsTotal,
        }, cancellationToken);

    internal Task IngestedAsync(CorpusIngested done, CancellationToken cancellationToken)
    {
        var documents = done.DocumentsIngested + done.DocumentsUnchanged;
        return UpdateAsync(done.JobId, job => job with
        {
            State = JobStates.Succeeded, Progress = 1, StartedAt = job.StartedAt ?? clock.GetUtcNow(), FinishedAt = clock.GetUtcNow(),
            ChunksDone = done.ChunksWritten, DocumentsDone = documents, DocumentsTotal = documents,
            Message = $"indexed {Count(documents, "document")} ({done.DocumentsIngested} new or changed, {done.DocumentsUnchanged} unchanged, " +
                $"{done.DocumentsRemoved} removed), {Count(done.ChunksWritten, "chunk")} written",
        }, cancellationToken);
    }

    public Task FailedAsync(JobFailed failure, CancellationToken cancellationToken) =>
        UpdateAsync(failure.JobId, job => job with { State = JobStates.Failed, FinishedAt = clock.GetUtcNow(), Error = failure.Error, Message = "failed" },
            cancellationToken);

    JobRecord Queued(string domain, int? version, string message, string? requestedBy) =>
        new(Guid.NewGuid(), Kind, domain, version, JobStates.Queued, 0, message, 0, 0, 0, clock.GetUtcNow(), null, null, null, requestedBy);

    IngestCorpus Message(Guid jobId, DomainProfile domain) => new(jobId, domain.Name, domain.CorpusFolder, versions.Folder(domain.Name));

    // Reports of other jobs come through the same messages; a finished job takes no late note.
    async Task UpdateAsync(Guid id, Func<JobRecord, JobRecord> change, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { Kind: Kind } job || JobStates.IsFinished(job.State)) return;
        await store.SaveAsync(change(job), cancellationToken);
    }

    static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
