namespace DomainAssistant.Simulation;

/// <summary>What the assistant answered one simulated question, as its API reported it.</summary>
/// <param name="Text">The answer's text.</param>
/// <param name="CitedDocuments">File name of each cited chunk's document, in order.</param>
/// <param name="MessageId">The stored message that feedback names; null when the host gave none (nothing can be rated).</param>
/// <param name="Variant">The experiment variant that served it, when one did.</param>
/// <param name="Adapter">The adapter that answered (null: the base model).</param>
public sealed record ServedAnswer(string Text, IReadOnlyList<string> CitedDocuments, Guid? MessageId, string? Variant, string? Adapter)
{
    /// <summary>Words of the answer, citation markers left out.</summary>
    public int Words => DomainAssistant.Evaluation.Answers.KeyFacts.WithoutCitations(Text)
        .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
