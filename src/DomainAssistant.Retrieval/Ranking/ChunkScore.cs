namespace DomainAssistant.Retrieval.Ranking;

/// <summary>A chunk's id and its score in one ranked list (higher is better).</summary>
public readonly record struct ChunkScore(string ChunkId, double Score);
