using DomainAssistant.Api.Serving;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// The API's <see cref="IServedEmbedders"/>: the embedder of the model it serves (no second copy of the model is
/// loaded for a re-embedding job) or the retrieval library's model-free fallback, whichever is of the space asked for.
/// </summary>
public sealed class ServedEmbedders(ActiveRetrieval retrieval, IServiceProvider services) : IServedEmbedders
{
    /// <summary>Resolved late: the model's source (the bootstrap) depends on the retrieval index.</summary>
    ModelHost Models => services.GetRequiredService<ModelHost>();

    public Task<IEmbeddingGenerator<string, Embedding<float>>> ForAsync(EmbeddingSpace space, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space == retrieval.Fallback.Space) return Task.FromResult(retrieval.Fallback.Embedder);
        if (Models.Current?.Embedder is { } model && new EmbeddingSpace(model.ModelId, model.Dimensions) == space)
            return Task.FromResult<IEmbeddingGenerator<string, Embedding<float>>>(model);
        var loaded = Models.Current?.Embedder is { } served ? $"the loaded model embeds with {new EmbeddingSpace(served.ModelId, served.Dimensions)}" : "no model is loaded";
        throw new InvalidOperationException($"this host has no embedder of {space}: its fallback embeds with {retrieval.Fallback.Space} and {loaded}.");
    }
}
