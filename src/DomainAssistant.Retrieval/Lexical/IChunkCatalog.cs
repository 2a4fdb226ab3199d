using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// Where indexed chunks and document versions are looked up by id: ranked lists carry only ids, and
/// ingestion skips documents whose version is already indexed.
/// </summary>
public interface IChunkCatalog
{
    /// <summary>The chunks with these ids that exist, by id; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, Chunk>> GetChunksAsync(IEnumerable<string> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>The indexed version of a document, or null when it is not indexed.</summary>
    Task<string?> GetDocumentVersionAsync(string domain, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Ids of the documents indexed in a domain, in id order.</summary>
    Task<IReadOnlyList<string>> ListDocumentsAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>How many chunks a domain has, or all domains together when <paramref name="domain"/> is null.</summary>
    Task<long> CountChunksAsync(string? domain, CancellationToken cancellationToken = default);
}
