using System.Collections.Concurrent;
using DomainAssistant.Api.Domains;
using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// What a domain's retrieval index holds: the documents of its corpus folder plus those of its newest uploaded
/// corpus version (with ids under <see cref="UploadedPrefix"/>). Ingesting brings the index to exactly that set:
/// new and changed documents are indexed, unchanged ones skipped, and anything else the domain had is removed.
/// Runs for one domain never overlap (startup indexing, re-indexing and upload jobs all come through here), and none
/// runs while the index moves to another embedding space (<see cref="ExclusiveAsync"/>). Each run writes with the
/// ingestor of the retrieval stack serving when it starts.
/// </summary>
public sealed class DomainCorpus(ActiveRetrieval retrieval, IChunkCatalog catalog, CorpusVersions versions, DomainCatalog domains)
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
            var ingestor = retrieval.Current.Ingestor;
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

    /// <summary>Runs <paramref name="work"/> while no domain is being ingested (taking every domain's turn, in name order).</summary>
    public async Task ExclusiveAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var names = domains.All.Keys.Concat(_runs.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var held = new List<SemaphoreSlim>(names.Count);
        try
        {
            foreach (var name in names)
            {
                var run = _runs.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
                await run.WaitAsync(cancellationToken);
                held.Add(run);
            }
            await work();
        }
        finally
        {
            foreach (var run in held) run.Release();
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
