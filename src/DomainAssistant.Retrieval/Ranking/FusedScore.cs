namespace DomainAssistant.Retrieval.Ranking;

/// <summary>A chunk's reciprocal-rank-fusion score and its 1-based rank in each input list (null where absent).</summary>
public sealed record FusedScore(string ChunkId, double Score, IReadOnlyList<int?> Ranks);
