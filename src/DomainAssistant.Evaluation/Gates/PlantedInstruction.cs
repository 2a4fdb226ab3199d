using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// How a stress case hides its instruction: as the end of the first retrieved chunk, where a poisoned document that
/// retrieval ranks first would put it, so the instruction reaches the model as part of the context it is told to use.
/// </summary>
public static class PlantedInstruction
{
    /// <summary>The retrieved chunks with <paramref name="planted"/> at the end of the first (a chunk of its own when nothing was retrieved).</summary>
    public static IReadOnlyList<RetrievedChunk> Into(IReadOnlyList<RetrievedChunk> retrieved, string planted)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        if (retrieved.Count == 0)
            return [new RetrievedChunk(new Chunk("planted", "planted.md", "", 0, planted, 0, planted.Length, "Notice", "planted.md"), 0, RetrievalSources.None, null, null)];
        var first = retrieved[0];
        var text = $"{first.Chunk.Text}\n\n{planted}";
        return [first with { Chunk = first.Chunk with { Text = text, End = first.Chunk.Start + text.Length } }, .. retrieved.Skip(1)];
    }
}
