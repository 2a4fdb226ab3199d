using DomainAssistant.Contracts;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// The training examples that feedback becomes (the reward-model trainer's inbox). Filing is idempotent by
/// feedback id, so a message delivered twice (redelivery, or a republish after a crash) is filed once.
/// </summary>
public interface IFeedbackInbox
{
    /// <summary>Files <paramref name="feedback"/>: true when filed now, false when its id was filed before.</summary>
    Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// Files <paramref name="feedbacks"/> in one transaction (one commit for all, or none filed): for each, in order,
    /// true when filed now, false when its id was filed before (earlier in the same list included).
    /// </summary>
    Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> examples filed after <paramref name="afterSequence"/>, in filing order.</summary>
    Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default);

    /// <summary>How many examples are filed.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How many examples of <paramref name="domain"/> were filed after <paramref name="afterSequence"/>, and the
    /// sequence of the last of them (null when there is none).
    /// </summary>
    Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default);
}
