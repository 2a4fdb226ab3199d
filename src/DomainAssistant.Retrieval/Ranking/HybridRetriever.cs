using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DomainAssistant.Retrieval.Ranking;

/// <summary>
/// BM25 and embedding search over one domain, fused by <see cref="ReciprocalRankFusion"/> (or either alone, per
/// <see cref="RetrievalMode"/>). Each list is searched deeper than k (4k, at least 20) because fusion can lift a
/// chunk that is only middling in both lists above one that tops a single list.
/// </summary>
public sealed partial class HybridRetriever : IRetriever
{
    readonly ILexicalIndex _lexical;
    readonly IVectorStore _vectors;
    readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    readonly IChunkCatalog _catalog;
    readonly int _rrfK;
    readonly ILogger _logger;

    /// <param name="lexical">The BM25 index.</param>
    /// <param name="vectors">The embedding store.</param>
    /// <param name="embedder">Embeds queries; must be the one the corpus was ingested with.</param>
    /// <param name="catalog">Resolves chunk ids to chunks.</param>
    /// <param name="mode">The mode <see cref="RetrieveAsync(string, string, int, CancellationToken)"/> uses.</param>
    /// <param name="rrfK">k of reciprocal rank fusion (default 60).</param>
    /// <param name="logger">Reports chunks found in an index but missing from the catalog.</param>
    public HybridRetriever(
        ILexicalIndex lexical,
        IVectorStore vectors,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IChunkCatalog catalog,
        RetrievalMode mode = RetrievalMode.Hybrid,
        int rrfK = ReciprocalRankFusion.DefaultK,
        ILogger<HybridRetriever>? logger = null)
    {
        _lexical = lexical ?? throw new ArgumentNullException(nameof(lexical));
        _vectors = vectors ?? throw new ArgumentNullException(nameof(vectors));
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        ArgumentOutOfRangeException.ThrowIfNegative(rrfK);
        Mode = mode;
        _rrfK = rrfK;
        _logger = logger ?? NullLogger<HybridRetriever>.Instance;
    }

    /// <summary>The mode used when none is named.</summary>
    public RetrievalMode Mode { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, string domain, int k, CancellationToken cancellationToken = default) =>
        RetrieveAsync(query, domain, k, Mode, cancellationToken);

    /// <summary>As <see cref="IRetriever.RetrieveAsync"/>, in the given <paramref name="mode"/> (for comparisons).</summary>
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(
        string query, string domain, int k, RetrievalMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (string.IsNullOrWhiteSpace(query)) return [];
        var depth = mode == RetrievalMode.Hybrid ? Math.Max(4 * k, 20) : k;
        var lexical = mode == RetrievalMode.Dense ? Task.FromResult<IReadOnlyList<ChunkScore>>([]) : _lexical.SearchAsync(query, domain, depth, cancellationToken);
        var dense = mode == RetrievalMode.Lexical ? Task.FromResult<IReadOnlyList<ChunkScore>>([]) : SearchDenseAsync(query, domain, depth, cancellationToken);
        await Task.WhenAll(lexical, dense);
        var ranked = mode switch
        {
            RetrievalMode.Lexical => Single(await lexical, RetrievalSources.Lexical),
            RetrievalMode.Dense => Single(await dense, RetrievalSources.Dense),
            _ => Fused(await lexical, await dense),
        };
        return await ResolveAsync(ranked, k, cancellationToken);
    }

    async Task<IReadOnlyList<ChunkScore>> SearchDenseAsync(string query, string domain, int depth, CancellationToken cancellationToken)
    {
        var vector = await _embedder.GenerateVectorAsync(query, cancellationToken: cancellationToken);
        return await _vectors.SearchAsync(vector, domain, depth, cancellationToken);
    }

    static IEnumerable<Ranked> Single(IReadOnlyList<ChunkScore> list, RetrievalSources source) =>
        list.Select((hit, i) => new Ranked(
            hit.ChunkId, hit.Score, source,
            source == RetrievalSources.Lexical ? i + 1 : null,
            source == RetrievalSources.Dense ? i + 1 : null));

    IEnumerable<Ranked> Fused(IReadOnlyList<ChunkScore> lexical, IReadOnlyList<ChunkScore> dense) =>
        ReciprocalRankFusion.Fuse([lexical, dense], _rrfK).Select(fused => new Ranked(
            fused.ChunkId,
            fused.Score,
            (fused.Ranks[0] is null ? RetrievalSources.None : RetrievalSources.Lexical)
                | (fused.Ranks[1] is null ? RetrievalSources.None : RetrievalSources.Dense),
            fused.Ranks[0],
            fused.Ranks[1]));

    /// <summary>Looks the best ids up, skipping any an index holds but the catalog does not (a half-finished ingest).</summary>
    async Task<IReadOnlyList<RetrievedChunk>> ResolveAsync(IEnumerable<Ranked> ranked, int k, CancellationToken cancellationToken)
    {
        var candidates = ranked.ToList();
        var chunks = await _catalog.GetChunksAsync(candidates.Select(c => c.ChunkId), cancellationToken);
        var results = new List<RetrievedChunk>(k);
        foreach (var candidate in candidates)
        {
            if (!chunks.TryGetValue(candidate.ChunkId, out var chunk))
            {
                LogMissingChunk(candidate.ChunkId);
                continue;
            }
            results.Add(new RetrievedChunk(chunk, candidate.Score, candidate.Sources, candidate.LexicalRank, candidate.DenseRank));
            if (results.Count == k) break;
        }
        return results;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {ChunkId} is in an index but not in the chunk catalog; skipped (re-ingest its document).")]
    partial void LogMissingChunk(string chunkId);

    readonly record struct Ranked(string ChunkId, double Score, RetrievalSources Sources, int? LexicalRank, int? DenseRank);
}
