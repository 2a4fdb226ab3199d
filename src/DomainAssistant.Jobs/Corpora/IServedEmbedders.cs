using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// The embedding models a re-embedding job (<see cref="ReembedIndexConsumer"/>) can reach in the host that runs it:
/// the API hands out the embedder it serves with (the loaded model's pooled hidden states, or its model-free fallback),
/// so the model is never loaded twice in one process. The space asked for comes from the message; an implementation
/// refuses one it cannot embed into rather than embed into another.
/// </summary>
public interface IServedEmbedders
{
    /// <summary>The generator whose vectors are of exactly <paramref name="space"/>.</summary>
    /// <exception cref="InvalidOperationException">This host has no embedder of that space; the message names the spaces it has.</exception>
    Task<IEmbeddingGenerator<string, Embedding<float>>> ForAsync(EmbeddingSpace space, CancellationToken cancellationToken);
}
