using System.Numerics.Tensors;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>
/// One domain's unit vectors in a single contiguous array (row i = entry i), so a search is one pass of SIMD dot
/// products. Not thread-safe: <see cref="EmbeddedVectorIndex"/> guards it.
/// </summary>
sealed class DomainVectors(string domain, int dimensions)
{
    readonly List<string> _chunkIds = [];
    readonly List<string> _documentIds = [];
    readonly Dictionary<string, int> _rowOfChunk = new(StringComparer.Ordinal);
    float[] _rows = [];

    public string Domain { get; } = domain;

    /// <summary>Length of every vector; 0 until the first one arrives.</summary>
    public int Dimensions { get; private set; } = dimensions;

    public int Count => _chunkIds.Count;

    public string ChunkId(int row) => _chunkIds[row];

    public string DocumentId(int row) => _documentIds[row];

    public ReadOnlySpan<float> Row(int row) => _rows.AsSpan(row * Dimensions, Dimensions);

    /// <summary>Adds or overwrites an entry; <paramref name="unit"/> must already be normalised.</summary>
    public void Upsert(string chunkId, string documentId, ReadOnlySpan<float> unit)
    {
        if (Dimensions == 0) Dimensions = unit.Length;
        if (unit.Length != Dimensions)
            throw new ArgumentException(
                $"Chunk {chunkId} has a {unit.Length}-dimensional vector; domain '{Domain}' holds {Dimensions}-dimensional vectors " +
                "(was the embedding model changed? re-ingest the domain into a fresh index).");
        if (!_rowOfChunk.TryGetValue(chunkId, out var row))
        {
            row = Count;
            _chunkIds.Add(chunkId);
            _documentIds.Add(documentId);
            _rowOfChunk[chunkId] = row;
            EnsureCapacity(Count);
        }
        _documentIds[row] = documentId;
        unit.CopyTo(_rows.AsSpan(row * Dimensions, Dimensions));
    }

    /// <summary>Removes a document's entries by moving the last row into each hole; returns how many.</summary>
    public int RemoveDocument(string documentId)
    {
        var removed = 0;
        for (var row = Count - 1; row >= 0; row--)
        {
            if (_documentIds[row] != documentId) continue;
            RemoveRow(row);
            removed++;
        }
        return removed;
    }

    /// <summary>The <paramref name="k"/> best rows by dot product with the unit <paramref name="query"/>.</summary>
    public List<ChunkScore> Search(ReadOnlySpan<float> query, int k)
    {
        if (Count == 0) return [];
        if (query.Length != Dimensions)
            throw new ArgumentException($"The query vector has {query.Length} dimensions; domain '{Domain}' holds {Dimensions}-dimensional vectors.");
        // Min-heap of the best k so far: the root is the weakest survivor, replaced when beaten.
        var best = new PriorityQueue<int, float>(k + 1);
        for (var row = 0; row < Count; row++)
        {
            var score = TensorPrimitives.Dot(query, Row(row));
            if (best.Count < k) best.Enqueue(row, score);
            else if (best.TryPeek(out _, out var weakest) && score > weakest) best.EnqueueDequeue(row, score);
        }
        var results = new List<ChunkScore>(best.Count);
        while (best.TryDequeue(out var row, out var score)) results.Add(new ChunkScore(_chunkIds[row], score));
        results.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.ChunkId, b.ChunkId));
        return results;
    }

    void RemoveRow(int row)
    {
        var last = Count - 1;
        _rowOfChunk.Remove(_chunkIds[row]);
        if (row != last)
        {
            _chunkIds[row] = _chunkIds[last];
            _documentIds[row] = _documentIds[last];
            _rowOfChunk[_chunkIds[row]] = row;
            Row(last).CopyTo(_rows.AsSpan(row * Dimensions, Dimensions));
        }
        _chunkIds.RemoveAt(last);
        _documentIds.RemoveAt(last);
    }

    void EnsureCapacity(int rows)
    {
        var needed = (long)rows * Dimensions;
        if (needed <= _rows.Length) return;
        var grown = Math.Max(needed, Math.Max(16L * Dimensions, _rows.LongLength * 2));
        Array.Resize(ref _rows, (int)Math.Min(grown, Array.MaxLength));
    }
}
