namespace DomainAssistant.Retrieval.Configuration;

/// <summary>Which <see cref="Vectors.IVectorStore"/> holds the embeddings.</summary>
public enum VectorStoreKind
{
    /// <summary>In process, files under <see cref="RetrievalOptions.DataDirectory"/> (the default).</summary>
    Embedded,

    /// <summary>A Qdrant server at <see cref="Vectors.Qdrant.QdrantOptions.Url"/>.</summary>
    Qdrant,
}
