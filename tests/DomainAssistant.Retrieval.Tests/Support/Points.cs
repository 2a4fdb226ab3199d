using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Vectors;

namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>Builds chunks with hand-written vectors for vector store tests.</summary>
public static class Points
{
    public static Chunk Chunk(string domain, string documentId, int ordinal, string text = "text") =>
        new(ChunkIds.For(domain, documentId, "v1", ordinal), documentId, domain, ordinal, text, 0, text.Length, "Title " + documentId, "corpus/" + documentId);

    public static ChunkVector Point(string domain, string documentId, int ordinal, params float[] vector) =>
        new(Chunk(domain, documentId, ordinal), vector);
}
