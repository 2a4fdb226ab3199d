using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Ranking;

/// <summary>One search result.</summary>
/// <param name="Chunk">The chunk, with its source.</param>
/// <param name="Score">
/// Higher is better; its scale follows the mode: BM25 (lexical), cosine similarity (dense) or the RRF sum (hybrid).
/// </param>
/// <param name="Sources">The lists it was found in.</param>
/// <param name="LexicalRank">1-based rank in the BM25 list, or null.</param>
/// <param name="DenseRank">1-based rank in the embedding list, or null.</param>
public sealed record RetrievedChunk(Chunk Chunk, double Score, RetrievalSources Sources, int? LexicalRank, int? DenseRank);
