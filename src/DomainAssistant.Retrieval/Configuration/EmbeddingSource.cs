namespace DomainAssistant.Retrieval.Configuration;

/// <summary>Which embedder a host that loads a model gives the dense leg (<see cref="RetrievalOptions.Embeddings"/>).</summary>
public enum EmbeddingSource
{
    /// <summary>The loaded model's pooled hidden states (the hashing embedder until the model is loaded).</summary>
    Model,

    /// <summary>The model-free hashing embedder, always.</summary>
    Hashing,
}
