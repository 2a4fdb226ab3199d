using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Api.Domains;

/// <summary>
/// Brings the retrieval index up to date with every domain's corpus folder at startup, in the background, and
/// reports its readiness on /health as "index". Unchanged documents are skipped, so a restart is quick.
/// </summary>
public sealed partial class CorpusIndex(DomainCatalog catalog, DomainCorpus corpus, DomainsOptions options, ILogger<CorpusIndex> logger)
    : BackgroundService
{
    /// <summary>The index's readiness.</summary>
    public Warmup Warmup { get; } = new("index");

    /// <summary>Re-ingests one domain's corpus folder and newest uploaded version (documents gone from both are removed from the index).</summary>
    public Task<IngestionReport> IngestAsync(DomainProfile domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var lastLogged = DateTime.MinValue;
        void Progress(IngestionProgress p)
        {
            Warmup.Report($"indexing {domain.Name}: {p.DocumentsDone}/{p.DocumentsTotal} documents, {p.ChunksDone} chunks");
            if (p.DocumentsDone == p.DocumentsTotal || DateTime.UtcNow - lastLogged > TimeSpan.FromSeconds(2))
            {
                lastLogged = DateTime.UtcNow;
                LogProgress(domain.Name, p.DocumentsDone, p.DocumentsTotal, p.ChunksDone);
            }
        }
        return corpus.IngestAsync(domain, Progress, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (options.IngestOnStartup)
            {
                foreach (var domain in catalog.All.Values)
                {
                    var report = await IngestAsync(domain, stoppingToken);
                    LogIngested(domain.Name, report.DocumentsIngested, report.DocumentsUnchanged, report.DocumentsRemoved, report.ChunksWritten);
                }
            }
            Warmup.MarkReady();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Warmup.MarkFailed(new OperationCanceledException("the host stopped before the index was ready"));
        }
        catch (Exception error)
        {
            LogFailed(error);
            Warmup.MarkFailed(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexing {Domain}: {Done}/{Total} documents, {Chunks} chunks written")]
    partial void LogProgress(string domain, int done, int total, int chunks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index of {Domain} is up to date: {Ingested} documents (re)indexed, {Unchanged} unchanged, {Removed} removed, {Chunks} chunks written")]
    partial void LogIngested(string domain, int ingested, int unchanged, int removed, int chunks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing the corpus failed; /health reports the reason")]
    partial void LogFailed(Exception error);
}
