using DomainAssistant.Api.Serving;
using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// The API's <see cref="IServedEmbedders"/>: it lends the embedder of the model it serves (no second copy of the model
/// is loaded for a re-embedding job run here) or the retrieval library's model-free fallback, whichever is of the space
/// asked for; and it says which files a host that has not loaded the model builds the same embedder from.
/// </summary>
public sealed class ServedEmbedders(ActiveRetrieval retrieval, IServiceProvider services) : IServedEmbedders
{
    /// <summary>Resolved late: the model's source (the bootstrap) depends on the retrieval index.</summary>
    ModelHost Models => services.GetRequiredService<ModelHost>();

    /// <summary>The served model's files when <paramref name="space"/> is its embeddings; null for the fallback's space.</summary>
    /// <exception cref="InvalidOperationException">Neither embedder of this host is of <paramref name="space"/>.</exception>
    public EmbeddingModelFiles? FilesOf(EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space == retrieval.Fallback.Space) return null;
        return Loaded(space)?.EmbeddingFiles ?? throw NoEmbedder(space);
    }

    public Task<T> EmbedAsync<T>(EmbeddingSpace space, EmbeddingModelFiles? model, Func<IEmbeddingGenerator<string, Embedding<float>>, Task<T>> embed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(embed);
        if (space == retrieval.Fallback.Space) return embed(retrieval.Fallback.Embedder);
        return Loaded(space) is { } served ? embed(served.Embedder) : throw NoEmbedder(space);
    }

    LoadedModel? Loaded(EmbeddingSpace space) =>
        Models.Current is { } model && new EmbeddingSpace(model.Embedder.ModelId, model.Embedder.Dimensions) == space ? model : null;

    InvalidOperationException NoEmbedder(EmbeddingSpace space)
    {
        var loaded = Models.Current?.Embedder is { } served ? $"the loaded model embeds with {new EmbeddingSpace(served.ModelId, served.Dimensions)}" : "no model is loaded";
        return new InvalidOperationException($"this host has no embedder of {space}: its fallback embeds with {retrieval.Fallback.Space} and {loaded}.");
    }
}
