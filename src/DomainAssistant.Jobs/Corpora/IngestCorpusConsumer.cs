using DomainAssistant.Contracts;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// Runs an <see cref="IngestCorpus"/> job through the host's <see cref="IServedIndex"/>: publishes "indexing n of m
/// documents" as <see cref="JobProgressed"/> (steps are documents), then <see cref="CorpusIngested"/>, or
/// <see cref="JobFailed"/> with the reason (the full exception goes to this host's log). Ingestion is idempotent, so a
/// job cut short by a stopping host simply runs again from the start when its message comes again.
/// </summary>
public sealed partial class IngestCorpusConsumer(IServedIndex index, TimeProvider clock, ILogger<IngestCorpusConsumer> logger) : IConsumer<IngestCorpus>
{
    /// <summary>Least time between two progress notes (the last document is always told).</summary>
    static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task Consume(ConsumeContext<IngestCorpus> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Message;
        using var span = AssistantTelemetry.Source.StartActivity("ingest-corpus");
        span?.SetTag("domain", job.Domain);
        var progress = new PublishedProgress(context, job.JobId);
        var cancellationToken = context.CancellationToken;
        try
        {
            progress.Report("reading the corpus");
            var report = await index.WriteAsync(job.Domain, async ingestor =>
            {
                var documents = await DomainDocuments.LoadAsync(job.Domain, job.CorpusFolder, job.UploadsFolder, cancellationToken);
                return await ingestor.IngestDomainAsync(job.Domain, documents, Throttled(progress), cancellationToken);
            }, cancellationToken);
            await progress.DrainAsync();
            await context.Publish(new CorpusIngested(job.JobId, job.Domain, report.DocumentsIngested, report.DocumentsUnchanged, report.DocumentsRemoved,
                report.ChunksWritten), cancellationToken);
            LogIngested(job.JobId, job.Domain, report.DocumentsIngested, report.DocumentsUnchanged, report.DocumentsRemoved, report.ChunksWritten);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            LogFailed(error, job.JobId, job.Domain);
            await progress.FailAsync(error, logger);
        }
    }

    Action<IngestionProgress> Throttled(PublishedProgress progress)
    {
        var last = DateTimeOffset.MinValue;
        return p =>
        {
            var now = clock.GetUtcNow();
            if (p.DocumentsDone < p.DocumentsTotal && now - last < ProgressInterval) return;
            last = now;
            var documents = p.DocumentsTotal == 1 ? "1 document" : $"{p.DocumentsTotal} documents";
            progress.Report($"indexing {p.DocumentsDone} of {documents} ({p.DocumentId})", p.DocumentsDone, p.DocumentsTotal);
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: the index of {Domain} is up to date: {Ingested} documents (re)indexed, {Unchanged} unchanged, {Removed} removed, {Chunks} chunks written")]
    partial void LogIngested(Guid jobId, string domain, int ingested, int unchanged, int removed, int chunks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: ingesting the corpus of {Domain} failed")]
    partial void LogFailed(Exception error, Guid jobId, string domain);
}
