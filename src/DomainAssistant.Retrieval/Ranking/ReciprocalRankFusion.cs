namespace DomainAssistant.Retrieval.Ranking;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009, "Reciprocal Rank Fusion outperforms
/// Condorcet and individual Rank Learning Methods"): score(d) = Σ over lists r of 1 / (k + rank_r(d)), ranks
/// from 1. Only ranks matter, so BM25 scores and cosine similarities, on unrelated scales, fuse without tuning;
/// k = 60 (the paper's value) damps the weight of the very top ranks.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The paper's k.</summary>
    public const int DefaultK = 60;

    /// <summary>
    /// Fuses ranked lists (each best first; a chunk listed twice in one list counts at its first rank).
    /// Ties are broken by the best single rank, then by chunk id, so the order is deterministic.
    /// </summary>
    public static IReadOnlyList<FusedScore> Fuse(IReadOnlyList<IReadOnlyList<ChunkScore>> rankings, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var ranks = new Dictionary<string, int?[]>(StringComparer.Ordinal);
        for (var list = 0; list < rankings.Count; list++)
        {
            var ranking = rankings[list];
            for (var position = 0; position < ranking.Count; position++)
            {
                var id = ranking[position].ChunkId;
                if (!ranks.TryGetValue(id, out var chunkRanks)) ranks[id] = chunkRanks = new int?[rankings.Count];
                chunkRanks[list] ??= position + 1;
            }
        }
        return ranks
            .Select(pair => new FusedScore(pair.Key, pair.Value.Sum(rank => rank is { } r ? 1.0 / (k + r) : 0.0), pair.Value))
            .OrderByDescending(fused => fused.Score)
            .ThenBy(fused => fused.Ranks.Min(rank => rank ?? int.MaxValue))
            .ThenBy(fused => fused.ChunkId, StringComparer.Ordinal)
            .ToList();
    }
}
