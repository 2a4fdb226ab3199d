using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Publishing;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// Where a host hands in feedback: stores it (validated, idempotent by id) through the outbox, which publishes what
/// it recorded itself. It returns once the feedback is stored locally; publishing follows, never blocking the user.
/// </summary>
public sealed class FeedbackRecorder(FeedbackOutbox outbox)
{
    /// <inheritdoc cref="IFeedbackStore.RecordAsync"/>
    public Task<FeedbackRecording> SubmitAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
        outbox.RecordAsync(feedback, cancellationToken);
}
