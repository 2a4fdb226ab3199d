using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Retrieval over one embedding space: its generator, and the retriever and ingestor that use it with that space's
/// vector store. Queries and writes always go through one stack, so a query is never embedded by one model and
/// searched among another's vectors.
/// </summary>
/// <param name="Space">The generator's model id and dimensions.</param>
/// <param name="Embedder">Embeds queries and chunks.</param>
/// <param name="Retriever">BM25 plus this space's vectors.</param>
/// <param name="Ingestor">Writes the lexical index and this space's vectors.</param>
public sealed record SpaceRetrieval(EmbeddingSpace Space, IEmbeddingGenerator<string, Embedding<float>> Embedder, HybridRetriever Retriever,
    CorpusIngestor Ingestor);
