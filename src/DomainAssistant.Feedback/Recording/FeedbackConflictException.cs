namespace DomainAssistant.Feedback.Recording;

/// <summary>A feedback id arrived again with different content: an id names one feedback only, so it is refused.</summary>
public sealed class FeedbackConflictException(Guid feedbackId) : InvalidOperationException(
    $"Feedback {feedbackId} was already recorded with different content (message, rating, reason, tags or lineage); " +
    "a feedback id names one feedback only: send a new id for a new feedback.")
{
    /// <summary>The id that was reused.</summary>
    public Guid FeedbackId { get; } = feedbackId;
}
