using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// What the host's retriever returns for a question before the prompt composer drops anything: the host's stored
/// lineage lists only the chunks that went into the prompt, so the benchmark asks the same retriever itself. It opens
/// the running host's own index (lexical.db and the embedded vectors in the host's data folder) through
/// <c>AddRetrieval</c> with the host's <c>Retrieval:*</c> settings and the hashing embedder the host retrieves with by
/// default, and asks for the domain's top-k as the host's retrieval plugin does. With
/// <c>Retrieval:Embeddings=Model</c> the host's dense leg uses the model's vectors, which this does not reproduce:
/// <see cref="Exact"/> is then false and the report says so.
/// </summary>
public sealed class HostRetrieval : IAsyncDisposable
{
    readonly ServiceProvider _services;
    readonly HybridRetriever _retriever;

    HostRetrieval(ServiceProvider services, bool exact)
    {
        _services = services;
        _retriever = services.GetRequiredService<HybridRetriever>();
        Exact = exact;
    }

    /// <summary>Whether this retriever is the host's (false when the host's dense leg is the model's embeddings).</summary>
    public bool Exact { get; }

    /// <param name="hostDataDirectory">The running host's <c>Storage:DataDirectory</c>.</param>
    /// <param name="hostSettings">The configuration keys the host was started with (only <c>Retrieval:*</c> matter).</param>
    public static HostRetrieval Open(string hostDataDirectory, IReadOnlyDictionary<string, string> hostSettings)
    {
        ArgumentNullException.ThrowIfNull(hostSettings);
        var settings = hostSettings.Where(s => s.Key.StartsWith(RetrievalOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.OrdinalIgnoreCase);
        settings["Storage:DataDirectory"] = hostDataDirectory;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var exact = !string.Equals(configuration[$"{RetrievalOptions.SectionName}:Embeddings"], nameof(EmbeddingSource.Model), StringComparison.OrdinalIgnoreCase);
        return new HostRetrieval(new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider(), exact);
    }

    /// <summary>The documents of the top <see cref="SampleDomain.TopK"/> chunks for <paramref name="question"/>, best first.</summary>
    public async Task<IReadOnlyList<string>> DocumentsAsync(SampleDomain domain, string question)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var retrieved = await _retriever.RetrieveAsync(question, domain.Name, domain.TopK);
        return [.. retrieved.Select(r => r.Chunk.DocumentId)];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
