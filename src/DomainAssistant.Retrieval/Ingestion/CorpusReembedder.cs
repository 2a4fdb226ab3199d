using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Vectors;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>
/// Moves an index to another embedding model: every chunk the catalog holds is embedded again, in batches, into a
/// vector store for the new space, and the new space is recorded last. Documents are not read or chunked again and
/// the lexical index is not touched, so keyword search serves throughout. Write into a store that holds only the new
/// space (<see cref="Configuration.VectorStoresBySpace"/>): the old vectors keep serving until the caller switches over.
/// </summary>
public sealed class CorpusReembedder
{
    readonly IChunkCatalog _catalog;
    readonly int _batchSize;

    /// <param name="catalog">The chunks to embed; it records the new space at the end.</param>
    /// <param name="embeddingBatchSize">Chunks per embedding call (default 32).</param>
    public CorpusReembedder(IChunkCatalog catalog, int embeddingBatchSize = 32)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingBatchSize);
        _batchSize = embeddingBatchSize;
    }

    /// <summary>Embeds every chunk of every domain with <paramref name="embedder"/> into <paramref name="target"/>, reporting after each document.</summary>
    /// <exception cref="InvalidOperationException">The generator returned a wrong number of vectors, or vectors of another length than its metadata says.</exception>
    public async Task<ReembeddingReport> ReembedAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, IVectorStore target,
        Action<ReembeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(target);
        var space = await EmbeddingSpace.OfAsync(embedder, cancellationToken);
        var total = await _catalog.CountChunksAsync(null, cancellationToken);
        int documents = 0, chunks = 0;
        foreach (var domain in await _catalog.ListDomainsAsync(cancellationToken))
        {
            foreach (var documentId in await _catalog.ListDocumentsAsync(domain, cancellationToken))
            {
                var points = await EmbedDocumentAsync(embedder, space, domain, documentId, cancellationToken);
                await target.DeleteDocumentAsync(domain, documentId, cancellationToken);
                if (points.Count > 0) await target.UpsertAsync(points, cancellationToken);
                documents++;
                chunks += points.Count;
                progress?.Invoke(new ReembeddingProgress(chunks, total, documentId));
            }
        }
        await _catalog.SetEmbeddingSpaceAsync(space, cancellationToken);
        return new ReembeddingReport(space, documents, chunks);
    }

    async Task<List<ChunkVector>> EmbedDocumentAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, EmbeddingSpace space,
        string domain, string documentId, CancellationToken cancellationToken)
    {
        var chunks = await _catalog.GetDocumentChunksAsync(domain, documentId, cancellationToken);
        var points = new List<ChunkVector>(chunks.Count);
        for (var from = 0; from < chunks.Count; from += _batchSize)
        {
            var batch = chunks.Skip(from).Take(_batchSize).ToList();
            var embeddings = await embedder.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken);
            if (embeddings.Count != batch.Count)
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {batch.Count} chunks of '{domain}/{documentId}'.");
            foreach (var (chunk, embedding) in batch.Zip(embeddings))
            {
                if (embedding.Vector.Length != space.Dimensions)
                    throw new InvalidOperationException(
                        $"The embedding generator of {space} returned a {embedding.Vector.Length}-dimensional vector for chunk {chunk.Id}.");
                points.Add(new ChunkVector(chunk, embedding.Vector));
            }
        }
        return points;
    }
}

/// <summary>Where a re-embedding stands: chunks embedded so far of all, and the document just finished.</summary>
public sealed record ReembeddingProgress(int ChunksDone, long ChunksTotal, string DocumentId);

/// <summary>What a re-embedding did: the space it moved the index to, documents and chunks embedded.</summary>
public sealed record ReembeddingReport(EmbeddingSpace Space, int Documents, int Chunks);
