using System.Security.Cryptography;
using System.Text;
using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Vectors;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>
/// Turns a corpus into both indexes: chunks each document, embeds the chunks in batches, and replaces the
/// document's old chunks in the vector store and the lexical index. A document already indexed at the same
/// content version, chunk settings and embedding model is skipped; anything else is re-done whole, so there are
/// never duplicates. The lexical index is written last because it records the version: a run that stops halfway
/// leaves the old version recorded, and the next run redoes the document.
/// The embedding model is not part of a document's version: the catalog records the embedding space of the whole
/// index instead, and an ingestor whose generator is of another space refuses to write (vectors of two models in one
/// index would give meaningless neighbours); <see cref="CorpusReembedder"/> moves an index to a new space.
/// </summary>
public sealed class CorpusIngestor
{
    readonly TextChunker _chunker;
    readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    readonly ILexicalIndex _lexical;
    readonly IChunkCatalog _catalog;
    readonly IVectorStore _vectors;
    readonly int _batchSize;
    readonly string _settings;

    /// <param name="chunker">Cuts documents.</param>
    /// <param name="embedder">Embeds chunks; queries must later be embedded by the same one.</param>
    /// <param name="lexical">BM25 index (also the chunk catalog in the embedded setup).</param>
    /// <param name="catalog">Tells which version of a document is indexed.</param>
    /// <param name="vectors">Embedding store.</param>
    /// <param name="embeddingBatchSize">Chunks per embedding call (default 32).</param>
    public CorpusIngestor(
        TextChunker chunker,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        ILexicalIndex lexical,
        IChunkCatalog catalog,
        IVectorStore vectors,
        int embeddingBatchSize = 32)
    {
        _chunker = chunker ?? throw new ArgumentNullException(nameof(chunker));
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _lexical = lexical ?? throw new ArgumentNullException(nameof(lexical));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _vectors = vectors ?? throw new ArgumentNullException(nameof(vectors));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingBatchSize);
        _batchSize = embeddingBatchSize;
        _settings = SettingsFingerprint(chunker);
    }

    /// <summary>Ingests documents (of any domains), reporting after each one.</summary>
    public async Task<IngestionReport> IngestAsync(
        IReadOnlyList<SourceDocument> documents, Action<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count > 0) await EnsureSameSpaceAsync(cancellationToken);
        int ingested = 0, unchanged = 0, chunks = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            var written = await IngestOneAsync(documents[i], cancellationToken);
            if (written is null) unchanged++;
            else
            {
                ingested++;
                chunks += written.Value;
            }
            progress?.Invoke(new IngestionProgress(i + 1, documents.Count, chunks, documents[i].Id));
        }
        return new IngestionReport(ingested, unchanged, 0, chunks);
    }

    /// <summary>
    /// Ingests every supported file under <paramref name="folder"/> into <paramref name="domain"/>; with
    /// <paramref name="removeMissing"/>, documents of the domain no longer in the folder are removed.
    /// </summary>
    public async Task<IngestionReport> IngestFolderAsync(
        string folder, string domain, bool removeMissing = false, Action<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        var documents = new List<SourceDocument>();
        foreach (var path in DocumentLoader.FindFiles(folder))
            documents.Add(await DocumentLoader.LoadAsync(path, domain, folder, cancellationToken));
        return removeMissing
            ? await IngestDomainAsync(domain, documents, progress, cancellationToken)
            : await IngestAsync(documents, progress, cancellationToken);
    }

    /// <summary>
    /// Brings <paramref name="domain"/>'s part of the index to exactly <paramref name="documents"/>: they are ingested
    /// (unchanged ones skipped), and every other document the domain had is removed.
    /// </summary>
    public async Task<IngestionReport> IngestDomainAsync(
        string domain, IReadOnlyList<SourceDocument> documents, Action<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.FirstOrDefault(d => d.Domain != domain) is { } stranger)
            throw new ArgumentException($"Document '{stranger.Id}' belongs to domain '{stranger.Domain}', not '{domain}'.", nameof(documents));
        var report = await IngestAsync(documents, progress, cancellationToken);
        var present = documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var id in await _catalog.ListDocumentsAsync(domain, cancellationToken))
        {
            if (present.Contains(id)) continue;
            await RemoveDocumentAsync(domain, id, cancellationToken);
            removed++;
        }
        return report with { DocumentsRemoved = removed };
    }

    /// <summary>Removes a document from both indexes.</summary>
    public async Task RemoveDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        await _vectors.DeleteDocumentAsync(domain, documentId, cancellationToken);
        await _lexical.DeleteDocumentAsync(domain, documentId, cancellationToken);
    }

    /// <summary>
    /// Records this ingestor's embedding space in an index that has none yet; refuses an index of another space.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index's vectors were made by another model or have another length.</exception>
    async Task EnsureSameSpaceAsync(CancellationToken cancellationToken)
    {
        var space = await EmbeddingSpace.OfAsync(_embedder, cancellationToken);
        var recorded = await _catalog.GetEmbeddingSpaceAsync(cancellationToken);
        if (recorded is null) await _catalog.SetEmbeddingSpaceAsync(space, cancellationToken);
        else if (recorded != space)
            throw new InvalidOperationException(
                $"The index's vectors were made by {recorded}; this ingestor embeds with {space}. One index never mixes the two: " +
                "re-embed the index with the new generator (CorpusReembedder) or configure the one that built it.");
    }

    /// <summary>Chunks written, or null when the document was already indexed as it is.</summary>
    async Task<int?> IngestOneAsync(SourceDocument document, CancellationToken cancellationToken)
    {
        // The recorded version covers the chunk settings too, so new chunk sizes redo the corpus.
        var indexed = document with { Version = $"{document.Version}+{_settings}" };
        if (await _catalog.GetDocumentVersionAsync(document.Domain, document.Id, cancellationToken) == indexed.Version) return null;
        var chunks = _chunker.Split(indexed);
        var points = new List<ChunkVector>(chunks.Count);
        for (var from = 0; from < chunks.Count; from += _batchSize)
        {
            var batch = chunks.Skip(from).Take(_batchSize).ToList();
            var embeddings = await _embedder.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken);
            if (embeddings.Count != batch.Count)
                throw new InvalidOperationException(
                    $"The embedding generator returned {embeddings.Count} vectors for {batch.Count} chunks of '{document.Path}'.");
            points.AddRange(batch.Zip(embeddings, (chunk, embedding) => new ChunkVector(chunk, embedding.Vector)));
        }
        await _vectors.DeleteDocumentAsync(document.Domain, document.Id, cancellationToken);
        await _vectors.UpsertAsync(points, cancellationToken);
        await _lexical.UpsertDocumentAsync(indexed, chunks, cancellationToken);
        return chunks.Count;
    }

    static string SettingsFingerprint(TextChunker chunker)
    {
        var settings = $"chunks {chunker.MaxTokens}/{chunker.OverlapTokens}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..8];
    }
}
