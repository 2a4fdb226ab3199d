using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Recording;

/// <summary>A feedback as the local store holds it: the message, its place in the store and its publish state.</summary>
/// <param name="Feedback">The feedback with its lineage, as submitted.</param>
/// <param name="Sequence">Increasing store order (publication follows it).</param>
/// <param name="RecordedAt">When the store took it.</param>
/// <param name="PublishedAt">When the broker confirmed it; null while pending.</param>
/// <param name="PublishAttempts">Publish attempts so far, the confirmed one included.</param>
/// <param name="LastPublishError">Why the last failed attempt failed; null after a confirmed publish.</param>
public sealed record StoredFeedback(FeedbackSubmitted Feedback, long Sequence, DateTimeOffset RecordedAt, DateTimeOffset? PublishedAt, int PublishAttempts, string? LastPublishError)
{
    /// <summary>Whether the feedback still waits for a confirmed publish.</summary>
    public bool IsPending => PublishedAt is null;
}
