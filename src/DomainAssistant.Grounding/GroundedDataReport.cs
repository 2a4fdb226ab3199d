namespace DomainAssistant.Grounding;

/// <summary>What a build laid out.</summary>
/// <param name="QaPairs">Examples from the Q/A file answered from their source chunk.</param>
/// <param name="Sentences">Template examples answered with a corpus sentence.</param>
/// <param name="Declines">Examples whose context lacks the answer (retrieval missed it, or it was removed).</param>
/// <param name="Safety">Questions about danger answered with the domain's safety instruction.</param>
/// <param name="RetrievalMisses">Of the declines, those where retrieval (and the composer's fit) did not bring the answer.</param>
/// <param name="QaPairMisses">Of those, Q/A file pairs: how often the host's prompt lacks the source of a written question.</param>
/// <param name="HeldOutSkipped">Pairs and sentences left out because they would leak a held-out question or its source sentence.</param>
/// <param name="MeanContextChunks">Chunks per composed prompt, on average.</param>
/// <param name="MeanPromptTokens">Prompt tokens per example, on average.</param>
public sealed record GroundedDataReport(int QaPairs, int Sentences, int Declines, int Safety, int RetrievalMisses, int QaPairMisses, int HeldOutSkipped,
    double MeanContextChunks, double MeanPromptTokens)
{
    public int Total => QaPairs + Sentences + Declines + Safety;
}
