using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Embeddings;

namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// Where indexed chunks and document versions are looked up by id: ranked lists carry only ids, and
/// ingestion skips documents whose version is already indexed. It also records which embedding space the chunks'
/// vectors are in, so a host can tell when its generator no longer matches them.
/// </summary>
public interface IChunkCatalog
{
    /// <summary>The chunks with these ids that exist, by id; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, Chunk>> GetChunksAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>The indexed version of a document, or null when it is not indexed.</summary>
    Task<string?> GetDocumentVersionAsync(string domain, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Ids of the documents indexed in a domain, in id order.</summary>
    Task<IReadOnlyList<string>> ListDocumentsAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>A document's chunks in order; none when it is not indexed.</summary>
    Task<IReadOnlyList<Chunk>> GetDocumentChunksAsync(string domain, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The domains that have documents, in name order.</summary>
    Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken = default);

    /// <summary>The embedding space of the stored vectors, or null when none was recorded yet (an empty or older index).</summary>
    Task<EmbeddingSpace?> GetEmbeddingSpaceAsync(CancellationToken cancellationToken = default);

    /// <summary>Records the embedding space of the stored vectors (after every chunk was embedded in it).</summary>
    Task SetEmbeddingSpaceAsync(EmbeddingSpace space, CancellationToken cancellationToken = default);

    /// <summary>How many chunks a domain has, or all domains together when <paramref name="domain"/> is null.</summary>
    Task<long> CountChunksAsync(string? domain, CancellationToken cancellationToken = default);
}
