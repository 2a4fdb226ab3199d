namespace DomainAssistant.Contracts;

/// <summary>
/// Starts moving the whole retrieval index to another embedding space: every chunk the index holds, of every domain,
/// is embedded again into the target space's own vector store (the lexical index is not touched), and the target
/// space is recorded last. The whole index, not one domain, because the index records one space for all its vectors.
/// Sent by the API when the embedder it serves differs from the recorded one; answered by <see cref="JobProgressed"/>
/// notes (chunks done of all), then <see cref="IndexReembedded"/> or <see cref="JobFailed"/>. The handler starts the
/// target store from empty, so running it again redoes the work and ends in the same state.
/// </summary>
/// <param name="JobId">Names this run; every report about it carries the same id.</param>
/// <param name="ModelId">The target embedding model's id (for the served model: pooled hidden states of its base weights' checksum).</param>
/// <param name="Dimensions">The target model's vector length.</param>
/// <param name="Model">The served model's files when the target is its embeddings, for a host that has not loaded it; null for the model-free embedder every host registers.</param>
public sealed record ReembedIndex(Guid JobId, string ModelId, int Dimensions, EmbeddingModelFiles? Model);
