using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>A chunk and its embedding, as written to an <see cref="IVectorStore"/>.</summary>
public sealed record ChunkVector(Chunk Chunk, ReadOnlyMemory<float> Vector);
