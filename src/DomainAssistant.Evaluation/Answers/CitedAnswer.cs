namespace DomainAssistant.Evaluation.Answers;

/// <summary>One answered held-out question as the citation checks see it.</summary>
/// <param name="CitedSources">The document of each citation, in order, repeats kept.</param>
/// <param name="GoldDocumentId">The document the question's pair names as source (as the retrieval index names documents).</param>
/// <param name="Correct">The answer holds the reference's key facts (<see cref="KeyFacts.Contains"/>).</param>
/// <param name="Declined">The answer is a decline (<see cref="Declines.IsDecline"/>).</param>
public sealed record CitedAnswer(IReadOnlyList<string> CitedSources, string GoldDocumentId, bool Correct, bool Declined);
