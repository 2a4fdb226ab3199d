using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Grounding;

/// <summary>
/// A domain's corpus indexed as the host indexes it, in a scratch folder removed on dispose: the host's retrieval
/// defaults (hybrid BM25 + hashing embeddings), or the same settings the host reads from environment variables
/// (Retrieval__Chunking__MaxTokens=...). The commands and benchmarks that lay out grounded data, probe the model or
/// gate an adapter retrieve from it as chat would.
/// </summary>
public sealed class ScratchIndex : IAsyncDisposable
{
    readonly DirectoryInfo _folder;
    readonly ServiceProvider _services;

    ScratchIndex(DirectoryInfo folder, ServiceProvider services) => (_folder, _services) = (folder, services);

    /// <summary>The scratch folder, for other files that should go when the index goes.</summary>
    public string Folder => _folder.FullName;

    public IRetriever Retriever => _services.GetRequiredService<IRetriever>();

    public IChunkCatalog Catalog => _services.GetRequiredService<IChunkCatalog>();

    /// <summary>Indexes <paramref name="domain"/>'s corpus folder into a new scratch folder.</summary>
    public static async Task<ScratchIndex> BuildAsync(DomainProfile domain, CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("da-index-");
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Retrieval:DataDirectory"] = folder.FullName }).Build();
        var index = new ScratchIndex(folder, new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider());
        try
        {
            await index._services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(domain.CorpusFolder, domain.Name, cancellationToken: cancellationToken);
            return index;
        }
        catch
        {
            await index.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
