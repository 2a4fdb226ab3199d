using System.Collections.Concurrent;
using DomainAssistant.Api.Domains;
using DomainAssistant.Grounding;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// This host's writes to the retrieval index, and its <see cref="IServedIndex"/> for ingestion jobs run here: each
/// write uses the ingestor of the retrieval stack serving when it starts. Writes for one domain never overlap (startup
/// indexing and ingestion jobs all come through here), and none runs while the index moves to another embedding space
/// (<see cref="ExclusiveAsync"/>). What a domain's index holds is <see cref="DomainDocuments"/>.
/// </summary>
public sealed class DomainCorpus(ActiveRetrieval retrieval, CorpusVersions versions, DomainCatalog domains) : IServedIndex
{
    readonly ConcurrentDictionary<string, SemaphoreSlim> _runs = new(StringComparer.Ordinal);

    /// <summary>Brings the domain's index to its corpus folder and newest uploaded version (startup indexing; jobs do the same through <see cref="IServedIndex"/>).</summary>
    public Task<IngestionReport> IngestAsync(DomainProfile domain, Action<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return WriteAsync(domain.Name, async ingestor =>
        {
            var documents = await DomainDocuments.LoadAsync(domain.Name, domain.CorpusFolder, versions.Folder(domain.Name), cancellationToken);
            return await ingestor.IngestDomainAsync(domain.Name, documents, progress, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(string domain, Func<CorpusIngestor, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(write);
        var run = _runs.GetOrAdd(domain, _ => new SemaphoreSlim(1, 1));
        await run.WaitAsync(cancellationToken);
        try
        {
            return await write(retrieval.Current.Ingestor);
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
}
