using System.Security.Cryptography;
using System.Text;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>
/// The embedded default <see cref="IVectorStore"/>: exact cosine search in process, one file per domain in
/// <see cref="Folder"/> (see <see cref="VectorIndexFile"/> for the format). A domain is loaded on first use and
/// rewritten after every change, atomically. Exact search is a SIMD scan of every vector: fine for the tens of
/// thousands of chunks an embedded deployment holds; larger corpora belong in Qdrant.
/// Thread-safe: one lock serialises all access; a scan of an embedded deployment's vectors is short enough that
/// callers barely wait on it (figures: docs/modeling.md, 'Embedded vector index').
/// </summary>
public sealed class EmbeddedVectorIndex : IVectorStore
{
    /// <summary>File extension of a domain's vector file.</summary>
    public const string FileExtension = ".vectors";

    readonly Lock _gate = new();
    readonly Dictionary<string, DomainVectors> _domains = new(StringComparer.Ordinal);

    /// <param name="folder">Where the domain files live; created when absent.</param>
    public EmbeddedVectorIndex(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder of domain files.</summary>
    public string Folder { get; }

    /// <summary>The file that holds <paramref name="domain"/>'s vectors: its name, made file-safe and unique.</summary>
    public string FileFor(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        var safe = new StringBuilder(domain.Length);
        foreach (var c in domain) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        // Two domains that differ only in replaced characters must not share a file.
        if (safe.ToString() != domain)
            safe.Append('-').Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(domain)))[..12]);
        return Path.Combine(Folder, safe + FileExtension);
    }

    /// <inheritdoc />
    public Task UpsertAsync(IReadOnlyList<ChunkVector> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        cancellationToken.ThrowIfCancellationRequested();
        // Normalise before taking the lock: a bad vector fails the whole batch and changes nothing.
        var units = points.Select(p => UnitVector.From(p.Vector.Span, $"chunk {p.Chunk.Id}")).ToArray();
        lock (_gate)
        {
            CheckDimensions(points, units);
            var touched = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < points.Count; i++)
            {
                var chunk = points[i].Chunk;
                Load(chunk.Domain).Upsert(chunk.Id, chunk.DocumentId, units[i]);
                touched.Add(chunk.Domain);
            }
            foreach (var domain in touched) Save(domain);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (Find(domain)?.RemoveDocument(documentId) > 0) Save(domain);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChunkScore>> SearchAsync(ReadOnlyMemory<float> query, string domain, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        cancellationToken.ThrowIfCancellationRequested();
        var unit = UnitVector.From(query.Span, "the query");
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ChunkScore>>(Find(domain)?.Search(unit, k) ?? []);
        }
    }

    /// <inheritdoc />
    public Task<long> CountAsync(string? domain, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (domain is not null) return Task.FromResult<long>(Find(domain)?.Count ?? 0);
            LoadAll();
            return Task.FromResult(_domains.Values.Sum(v => (long)v.Count));
        }
    }

    /// <summary>
    /// Drops what this object holds of <paramref name="domain"/>, so its next use reads the domain's file again: for a
    /// host whose index another process wrote (a worker's ingestion job); every change here is already on disk.
    /// </summary>
    public void Reread(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        lock (_gate) _domains.Remove(domain);
    }

    /// <summary>Refuses the batch before any change when one vector's length differs from its domain's.</summary>
    void CheckDimensions(IReadOnlyList<ChunkVector> points, float[][] units)
    {
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < points.Count; i++)
        {
            var domain = points[i].Chunk.Domain;
            if (!expected.TryGetValue(domain, out var dimensions))
            {
                dimensions = Load(domain).Dimensions is > 0 and var held ? held : units[i].Length;
                expected[domain] = dimensions;
            }
            if (units[i].Length != dimensions)
                throw new ArgumentException(
                    $"Chunk {points[i].Chunk.Id} has a {units[i].Length}-dimensional vector; domain '{domain}' holds " +
                    $"{dimensions}-dimensional vectors (was the embedding model changed? re-ingest into a fresh index).");
        }
    }

    /// <summary>The domain's vectors, created empty when it has none yet (for writes).</summary>
    DomainVectors Load(string domain)
    {
        if (Find(domain) is { } vectors) return vectors;
        return _domains[domain] = new DomainVectors(domain, 0);
    }

    /// <summary>The domain's vectors, or null when it has none; reads of unknown domains leave nothing behind.</summary>
    DomainVectors? Find(string domain)
    {
        if (_domains.TryGetValue(domain, out var vectors)) return vectors;
        var path = FileFor(domain);
        if (!File.Exists(path)) return null;
        return _domains[domain] = VectorIndexFile.Read(path, domain);
    }

    void LoadAll()
    {
        foreach (var path in Directory.EnumerateFiles(Folder, "*" + FileExtension))
        {
            if (_domains.Values.Any(v => FileFor(v.Domain) == path)) continue;
            var vectors = VectorIndexFile.Read(path, expectedDomain: null);
            _domains.TryAdd(vectors.Domain, vectors);
        }
    }

    void Save(string domain) => VectorIndexFile.Write(FileFor(domain), _domains[domain]);
}
