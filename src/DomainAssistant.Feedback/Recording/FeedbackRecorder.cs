using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Publishing;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// Where a host hands in feedback: stores it (validated, idempotent by id) and wakes the outbox to publish it.
/// It returns once the feedback is stored locally; publishing follows, never blocking the user.
/// </summary>
public sealed class FeedbackRecorder(IFeedbackStore store, FeedbackOutbox outbox)
{
    /// <inheritdoc cref="IFeedbackStore.RecordAsync"/>
    public async Task<FeedbackRecording> SubmitAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default)
    {
        var recording = await store.RecordAsync(feedback, cancellationToken);
        outbox.Notify();
        return recording;
    }
}
