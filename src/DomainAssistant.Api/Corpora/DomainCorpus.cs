using System.Collections.Concurrent;
using DomainAssistant.Api.Domains;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// What a domain's retrieval index holds: the documents of its corpus folder plus those of its newest uploaded
/// corpus version (with ids under <see cref="UploadedPrefix"/>). Ingesting brings the index to exactly that set:
/// new and changed documents are indexed, unchanged ones skipped, and anything else the domain had is removed.
/// Runs for one domain never overlap (startup indexing, re-indexing and upload jobs all come through here).
/// </summary>
public sealed class DomainCorpus(CorpusIngestor ingestor, IChunkCatalog catalog, CorpusVersions versions)
{
    /// <summary>Document ids (and citation paths) of uploaded documents start with this.</summary>
    public const string UploadedPrefix = "uploads/";

    readonly ConcurrentDictionary<string, SemaphoreSlim> _runs = new(StringComparer.Ordinal);

    public async Task<IngestionReport> IngestAsync(DomainProfile domain, Action<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var run = _runs.GetOrAdd(domain.Name, _ => new SemaphoreSlim(1, 1));
        await run.WaitAsync(cancellationToken);
        try
        {
            var documents = await LoadAsync(domain, cancellationToken);
            var report = await ingestor.IngestAsync(documents, progress, cancellationToken);
            var present = documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            var removed = 0;
            foreach (var id in await catalog.ListDocumentsAsync(domain.Name, cancellationToken))
            {
                if (present.Contains(id)) continue;
                await ingestor.RemoveDocumentAsync(domain.Name, id, cancellationToken);
                removed++;
            }
            return report with { DocumentsRemoved = removed };
        }
        finally
        {
            run.Release();
        }
    }

    async Task<List<SourceDocument>> LoadAsync(DomainProfile domain, CancellationToken cancellationToken)
    {
        var documents = new List<SourceDocument>();
        foreach (var path in DocumentLoader.FindFiles(domain.CorpusFolder))
            documents.Add(await DocumentLoader.LoadAsync(path, domain.Name, domain.CorpusFolder, cancellationToken));
        if (versions.Latest(domain.Name) is { } latest && Directory.Exists(latest.DocumentsFolder))
        {
            foreach (var path in DocumentLoader.FindFiles(latest.DocumentsFolder))
            {
                var document = await DocumentLoader.LoadAsync(path, domain.Name, latest.DocumentsFolder, cancellationToken);
                documents.Add(document with { Id = UploadedPrefix + document.Id, Path = UploadedPrefix + document.Path });
            }
        }
        return documents;
    }
}
