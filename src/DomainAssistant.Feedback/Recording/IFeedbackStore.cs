using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Recording;

/// <summary>
/// The local record of every feedback, written before anything is published (the outbox half of "never lost").
/// Each feedback carries a publish state: pending until the broker confirms it, then published.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>
    /// Validates and stores <paramref name="feedback"/> as pending. Storing the same feedback id again is
    /// idempotent: it answers <see cref="FeedbackRecording.AlreadyRecorded"/> and keeps the first copy.
    /// </summary>
    /// <exception cref="Validation.InvalidFeedbackException">The feedback breaks a rule (e.g. rating not "up"/"down").</exception>
    /// <exception cref="FeedbackConflictException">The id was already recorded with different content.</exception>
    Task<FeedbackRecording> RecordAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="RecordAsync"/> for the caller that publishes what it records: a feedback recorded now is claimed for
    /// it in the same statement, so no other pass reads it from the pending list until it is marked, released or the
    /// claim runs out (a store without claims, <see cref="SqliteFeedbackStore"/>, just records it). A feedback already
    /// recorded is left as it is, claimed by no one new.
    /// </summary>
    /// <inheritdoc cref="RecordAsync" path="/exception"/>
    Task<FeedbackRecording> RecordClaimedAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> pending feedbacks recorded after <paramref name="afterSequence"/>, oldest first. A
    /// store that several processes publish from hands each one to one caller at a time (<see cref="PostgresFeedbackStore"/>
    /// claims them until they are marked, or for a while).
    /// </summary>
    Task<IReadOnlyList<StoredFeedback>> ReadPendingAsync(long afterSequence, int max, CancellationToken cancellationToken = default);

    /// <summary>Marks feedbacks published: call only after the broker confirmed each of them.</summary>
    Task MarkPublishedAsync(IReadOnlyCollection<Guid> feedbackIds, DateTimeOffset publishedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives claimed feedbacks back to the pending list at once, no attempt counted: the caller will not publish them
    /// (its publishing failed before their turn came).
    /// </summary>
    Task ReleaseAsync(IReadOnlyCollection<Guid> feedbackIds, CancellationToken cancellationToken = default);

    /// <summary>Counts a failed publish attempt for each feedback; they stay pending.</summary>
    Task MarkPublishFailedAsync(IReadOnlyCollection<Guid> feedbackIds, string reason, CancellationToken cancellationToken = default);

    /// <summary>The stored feedback with its publish state, or null when the id is unknown.</summary>
    Task<StoredFeedback?> FindAsync(Guid feedbackId, CancellationToken cancellationToken = default);

    /// <summary>How many feedbacks still wait for a confirmed publish.</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken = default);
}
