using DomainAssistant.Grounding;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Bench.Reading;

/// <summary>
/// A domain's corpus indexed as the host indexes it (its retrieval defaults, or the same Retrieval__* environment
/// variables the host reads), in a scratch folder removed on dispose: the offline benchmarks retrieve as chat does.
/// </summary>
public sealed class ScratchRetrieval : IAsyncDisposable
{
    readonly DirectoryInfo _folder;
    readonly ServiceProvider _services;

    ScratchRetrieval(DirectoryInfo folder, ServiceProvider services) => (_folder, _services) = (folder, services);

    public IRetriever Retriever => _services.GetRequiredService<IRetriever>();

    public IChunkCatalog Catalog => _services.GetRequiredService<IChunkCatalog>();

    /// <summary>The scratch folder, for other files that should go when the index goes.</summary>
    public string Folder => _folder.FullName;

    public static async Task<ScratchRetrieval> BuildAsync(DomainProfile domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var folder = Directory.CreateTempSubdirectory("da-bench-index-");
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Retrieval:DataDirectory"] = folder.FullName }).Build();
        var index = new ScratchRetrieval(folder, new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider());
        await index._services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(domain.CorpusFolder, domain.Name);
        return index;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
