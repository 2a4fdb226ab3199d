using DomainAssistant.Retrieval.Citations;

namespace DomainAssistant.Grounding;

/// <summary>
/// The system message of a retrieval-augmented turn: the domain's system prompt, then the retrieved chunks numbered
/// [1]..[n], then how to cite them. Chat and the bootstrap SFT data use this same layout, so the model is trained on
/// the prompts it is served.
/// </summary>
public static class GroundedPrompt
{
    public static string SystemMessage(string systemPrompt, CitationMap context, string? extraInstructions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.Chunks.Count == 0
            ? $"{systemPrompt}\n\nNo documents matched this question."
            : $"{systemPrompt}\n\nContext:\n{context.BuildContext()}\n\nAnswer from the context and cite it by number, like [1].";
        return string.IsNullOrWhiteSpace(extraInstructions) ? text : $"{text}\n\n{extraInstructions}";
    }
}
