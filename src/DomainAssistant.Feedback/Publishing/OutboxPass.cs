namespace DomainAssistant.Feedback.Publishing;

/// <summary>What one pass of <see cref="FeedbackOutbox.PublishPendingAsync"/> or <see cref="FeedbackOutbox.PublishHandedAsync"/> did.</summary>
/// <param name="Published">Feedbacks the broker confirmed, now marked published.</param>
/// <param name="Failed">Feedbacks whose publish failed; they stay pending for the next pass.</param>
public sealed record OutboxPass(int Published, int Failed)
{
    public static OutboxPass operator +(OutboxPass left, OutboxPass right) =>
        new(left.Published + right.Published, left.Failed + right.Failed);
}
