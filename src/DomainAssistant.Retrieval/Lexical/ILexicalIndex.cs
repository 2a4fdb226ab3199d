using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Lexical;

/// <summary>
/// Keyword search over chunks (BM25), scoped to one domain. Documents are written whole: writing a document
/// replaces every chunk it had.
/// </summary>
public interface ILexicalIndex
{
    /// <summary>
    /// Replaces <paramref name="document"/>'s chunks (all of them, from any earlier version) with
    /// <paramref name="chunks"/>, atomically, and records the document's version.
    /// </summary>
    /// <param name="document">The document; its text is not stored, only its id, domain, path, title and version.</param>
    /// <param name="chunks">Its chunks, all with <see cref="Chunk.DocumentId"/> = document id.</param>
    /// <param name="cancellationToken">Cancels before the write commits.</param>
    Task UpsertDocumentAsync(SourceDocument document, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Removes a document and its chunks; nothing happens when it is not there.</summary>
    Task DeleteDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The best <paramref name="k"/> chunks of <paramref name="domain"/> for <paramref name="query"/>, best first.
    /// The query is plain user text: any query-language syntax in it is matched literally, never interpreted.
    /// </summary>
    /// <returns>Up to <paramref name="k"/> results; none when the query has no searchable words.</returns>
    Task<IReadOnlyList<ChunkScore>> SearchAsync(string query, string domain, int k, CancellationToken cancellationToken = default);
}
