using DomainAssistant.Contracts;
using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// The embedding models a re-embedding job (<see cref="ReembedIndexConsumer"/>) reaches in the host that runs it: the
/// API lends the embedder it serves with (the loaded model's pooled hidden states, or its model-free fallback), so the
/// model is never loaded twice in one process; a worker loads the served base from <see cref="EmbeddingModelFiles"/>
/// for the job and frees it after. An implementation refuses a space it cannot embed into rather than embed into
/// another.
/// </summary>
public interface IServedEmbedders
{
    /// <summary>Runs <paramref name="embed"/> with a generator whose vectors are of exactly <paramref name="space"/>.</summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="space">The space asked for.</param>
    /// <param name="model">The served model's files when <paramref name="space"/> is its embeddings; null for the model-free embedder.</param>
    /// <param name="embed">The work; the generator is the host's to free, not the work's.</param>
    /// <param name="cancellationToken">Stops loading a model.</param>
    /// <exception cref="InvalidOperationException">This host has no embedder of that space; the message names the space and what the host has.</exception>
    Task<T> EmbedAsync<T>(EmbeddingSpace space, EmbeddingModelFiles? model, Func<IEmbeddingGenerator<string, Embedding<float>>, Task<T>> embed,
        CancellationToken cancellationToken);
}
