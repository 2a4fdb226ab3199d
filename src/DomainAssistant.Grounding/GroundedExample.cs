using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding;

/// <summary>Where a grounded training example came from.</summary>
public enum GroundedExampleKind
{
    /// <summary>A pair of the domain's Q/A file, answered from its source chunk.</summary>
    QaPair,

    /// <summary>A corpus sentence asked about by a template (<see cref="SentenceQuestions"/>), answered with the sentence.</summary>
    Sentence,

    /// <summary>A question about danger (domain.json "safety" topics): the answer is the domain's safety instruction.</summary>
    Safety,

    /// <summary>The prompt's context does not hold the answer (retrieval missed it, or it was removed): the answer is the domain's decline.</summary>
    Decline,
}

/// <summary>One training conversation exactly as chat would prompt it, with the answer the model should give.</summary>
/// <param name="Messages">System (domain prompt and numbered context), user question, assistant answer.</param>
/// <param name="Kind">Where it came from.</param>
/// <param name="Cited">The context number the answer cites, or null for a decline.</param>
/// <param name="Prompt">The composed prompt (as the host renders and feeds it).</param>
public sealed record GroundedExample(IReadOnlyList<ChatMessage> Messages, GroundedExampleKind Kind, int? Cited, ComposedPrompt Prompt);
