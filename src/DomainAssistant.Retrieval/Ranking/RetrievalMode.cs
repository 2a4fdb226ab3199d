namespace DomainAssistant.Retrieval.Ranking;

/// <summary>Which ranked lists a retriever uses: the benchmark compares all three.</summary>
public enum RetrievalMode
{
    /// <summary>BM25 over the lexical index only.</summary>
    Lexical,

    /// <summary>Cosine similarity of embeddings only.</summary>
    Dense,

    /// <summary>Both, fused by reciprocal rank fusion (the default).</summary>
    Hybrid,
}
