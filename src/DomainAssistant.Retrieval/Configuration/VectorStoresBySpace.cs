using System.Collections.Concurrent;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Vectors;
using DomainAssistant.Retrieval.Vectors.Qdrant;

namespace DomainAssistant.Retrieval.Configuration;

/// <summary>
/// The vector store of each embedding space, so vectors of two models never share an index: the embedded index keeps
/// a folder per space under <see cref="RetrievalOptions.VectorFolder"/>, Qdrant a collection per space named
/// "{Collection}-{space key}". One store object per space, shared by everyone who opens it (two embedded index
/// objects over one folder would overwrite each other's files). Thread-safe.
/// </summary>
public sealed class VectorStoresBySpace
{
    readonly RetrievalOptions _options;
    readonly Func<HttpClient>? _qdrantClient;
    readonly ConcurrentDictionary<string, Lazy<IVectorStore>> _open = new(StringComparer.Ordinal);

    /// <param name="options">Which kind of store, and where.</param>
    /// <param name="qdrantClient">Makes the HttpClient of a Qdrant store; required when the kind is Qdrant.</param>
    public VectorStoresBySpace(RetrievalOptions options, Func<HttpClient>? qdrantClient = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.VectorStore == VectorStoreKind.Qdrant && qdrantClient is null)
            throw new ArgumentNullException(nameof(qdrantClient), "a Qdrant vector store needs an HttpClient factory.");
        _qdrantClient = qdrantClient;
    }

    /// <summary>The store that holds (or will hold) <paramref name="space"/>'s vectors.</summary>
    public IVectorStore Open(EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        return _open.GetOrAdd(space.Key, _ => new Lazy<IVectorStore>(() => Create(space))).Value;
    }

    /// <summary>The embedded index folder of a space.</summary>
    public string FolderOf(EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        return Path.Combine(_options.VectorFolder, space.Key);
    }

    /// <summary>
    /// Empties a space's store: the embedded index's folder is deleted. A Qdrant collection is left to its operator
    /// (dropping remote data is not this process's call); documents re-embedded into it are replaced whole.
    /// </summary>
    public void Delete(EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (_options.VectorStore != VectorStoreKind.Embedded) return;
        if (_open.TryRemove(space.Key, out var store) && store.IsValueCreated && store.Value is IDisposable disposable) disposable.Dispose();
        var folder = FolderOf(space);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Makes every open embedded store read <paramref name="domain"/>'s vectors from disk again, after another process
    /// wrote them; a Qdrant store holds nothing in this process.
    /// </summary>
    public void Reread(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        foreach (var store in _open.Values)
            if (store.IsValueCreated && store.Value is EmbeddedVectorIndex embedded) embedded.Reread(domain);
    }

    IVectorStore Create(EmbeddingSpace space)
    {
        if (_options.VectorStore == VectorStoreKind.Embedded) return new EmbeddedVectorIndex(FolderOf(space));
        var qdrant = new QdrantOptions { Url = _options.Qdrant.Url, ApiKey = _options.Qdrant.ApiKey, Collection = $"{_options.Qdrant.Collection}-{space.Key}" };
        return new QdrantVectorStore(_qdrantClient!(), qdrant);
    }
}
