using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Citations;

/// <summary>A marker [n] found in an answer and the chunk it points to.</summary>
public sealed record Citation(int Number, Chunk Chunk)
{
    /// <summary>The cited document's path.</summary>
    public string SourcePath => Chunk.SourcePath;

    /// <summary>The cited document's title.</summary>
    public string Title => Chunk.Title;
}
