using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>
/// Nearest-neighbour search over chunk embeddings by cosine similarity, scoped to one domain.
/// Implementations: <see cref="EmbeddedVectorIndex"/> (in process, on disk) and
/// <see cref="Qdrant.QdrantVectorStore"/> (a Qdrant server); configuration picks one.
/// </summary>
public interface IVectorStore
{
    /// <summary>
    /// Writes chunks with their vectors; a chunk id already present is overwritten. All vectors of a domain
    /// must have the same length (the embedding model's dimension).
    /// </summary>
    /// <exception cref="ArgumentException">A vector is empty, not finite, all zeros, or of another length than the domain's.</exception>
    Task UpsertAsync(IReadOnlyList<ChunkVector> points, CancellationToken cancellationToken = default);

    /// <summary>Removes every chunk of a document; nothing happens when there is none.</summary>
    Task DeleteDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> chunks of <paramref name="domain"/> most similar to <paramref name="query"/>, best first, scored by cosine similarity.</summary>
    /// <returns>Up to <paramref name="k"/> results; none for an empty domain.</returns>
    Task<IReadOnlyList<ChunkScore>> SearchAsync(ReadOnlyMemory<float> query, string domain, int k, CancellationToken cancellationToken = default);

    /// <summary>How many chunks are stored for a domain, or for all domains when <paramref name="domain"/> is null.</summary>
    Task<long> CountAsync(string? domain, CancellationToken cancellationToken = default);
}
