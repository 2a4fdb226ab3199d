using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Worker.Tests;

/// <summary>What the API does before it asks for a bootstrap or a re-embedding: the domain's corpus in the shared index, with the registered embedder.</summary>
public static class SharedIndex
{
    public static async Task IndexAsync(IServiceProvider services, string domain, string domainFolder)
    {
        ArgumentNullException.ThrowIfNull(services);
        var corpus = Path.Combine(domainFolder, "corpus");
        var documents = new List<SourceDocument>();
        foreach (var path in DocumentLoader.FindFiles(corpus)) documents.Add(await DocumentLoader.LoadAsync(path, domain, corpus));
        await services.GetRequiredService<CorpusIngestor>().IngestAsync(documents);
    }
}
