using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage;

namespace DomainAssistant.Feedback.Filing;

/// <summary>
/// Files the feedbacks that consumers deliver at the same moment in one transaction of the inbox underneath (group
/// commit): a filing waits while another group commits, then goes with everyone who arrived meanwhile. Each delivery
/// still gets its own answer, or the group's exception, so acknowledgement, retries and listeners stay per message.
/// </summary>
/// <remarks>
/// Every filing is one commit, and a commit waits for the disk (SQLite's full sync, PostgreSQL's WAL flush) and, on
/// PostgreSQL, for the filing lock that keeps sequences in order; a group shares both among all its feedbacks.
/// </remarks>
public sealed class GroupCommitInbox : IFeedbackInbox, IAsyncDisposable
{
    /// <summary>Most feedbacks one transaction files; more wait for the next.</summary>
    public const int MaxGroup = 256;

    readonly IFeedbackInbox _inner;
    readonly GroupCommit<FeedbackSubmitted, bool> _groups;

    public GroupCommitInbox(IFeedbackInbox inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        // A failed group filed none of its feedbacks: each delivery fails and is retried on its own.
        _groups = new GroupCommit<FeedbackSubmitted, bool>(group => _inner.FileManyAsync(group), MaxGroup);
    }

    /// <summary>The store the groups are filed into.</summary>
    public IFeedbackInbox Underneath => _inner;

    /// <summary>Transactions committed so far (for tests and logs: fewer than the feedbacks filed when grouping works).</summary>
    public long Groups => _groups.Groups;

    public Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default)
    {
        // Refused here, alone: an invalid feedback inside a group would fail every valid one with it.
        FeedbackRules.Validate(feedback);
        return _groups.WriteAsync(feedback, cancellationToken);
    }

    public Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default) =>
        _inner.FileManyAsync(feedbacks, cancellationToken);

    public Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(afterSequence, max, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    public Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default) =>
        _inner.CountForDomainAsync(domain, afterSequence, cancellationToken);

    public ValueTask DisposeAsync() => _groups.DisposeAsync();
}
