using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// The host's <see cref="IRetriever"/>: whichever <see cref="SpaceRetrieval"/> is current. It starts on the retrieval
/// library's registered (model-free) generator, so the index can be built before any model exists, and
/// <see cref="EmbeddingSwitch"/> moves it to the model's embeddings once their vectors are complete. Each call reads the
/// current stack once, so a switch never splits a query between two spaces.
/// </summary>
public sealed class ActiveRetrieval : IRetriever
{
    readonly RetrievalOptions _options;
    readonly TextChunker _chunker;
    readonly SqliteLexicalIndex _lexical;
    readonly VectorStoresBySpace _stores;
    readonly ILogger<HybridRetriever> _retrieverLog;
    SpaceRetrieval _current;

    public ActiveRetrieval(RetrievalOptions options, TextChunker chunker, SqliteLexicalIndex lexical, VectorStoresBySpace stores,
        IEmbeddingGenerator<string, Embedding<float>> fallback, HybridRetriever fallbackRetriever, CorpusIngestor fallbackIngestor,
        ILogger<HybridRetriever> retrieverLog)
    {
        _options = options;
        _chunker = chunker;
        _lexical = lexical;
        _stores = stores;
        _retrieverLog = retrieverLog;
        // The registered generators (hashing by default) report their space without embedding anything.
        var space = EmbeddingSpace.OfAsync(fallback).GetAwaiter().GetResult();
        Fallback = new SpaceRetrieval(space, fallback, fallbackRetriever, fallbackIngestor);
        _current = Fallback;
    }

    /// <summary>The stack of the retrieval library's registered generator (the hashing embedder unless the host registers another).</summary>
    public SpaceRetrieval Fallback { get; }

    /// <summary>The stack serving now.</summary>
    public SpaceRetrieval Current => Volatile.Read(ref _current);

    /// <summary>A stack over <paramref name="embedder"/>'s space (its store opened, nothing embedded yet).</summary>
    public SpaceRetrieval Build(IEmbeddingGenerator<string, Embedding<float>> embedder, EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(space);
        var vectors = _stores.Open(space);
        return new SpaceRetrieval(space, embedder,
            new HybridRetriever(_lexical, vectors, embedder, _lexical, _options.Mode, _options.RrfK, _retrieverLog),
            new CorpusIngestor(_chunker, embedder, _lexical, _lexical, vectors, _options.EmbeddingBatchSize));
    }

    /// <summary>Serves from <paramref name="stack"/> from now on. Call it only once its space's vectors are complete.</summary>
    public void SwitchTo(SpaceRetrieval stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Volatile.Write(ref _current, stack);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, string domain, int k, CancellationToken cancellationToken = default) =>
        Current.Retriever.RetrieveAsync(query, domain, k, cancellationToken);
}
