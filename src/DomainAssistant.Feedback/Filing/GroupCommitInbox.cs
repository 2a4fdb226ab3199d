using System.Threading.Channels;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Validation;

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
    readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _writer;

    public GroupCommitInbox(IFeedbackInbox inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _writer = Task.Run(WriteGroupsAsync);
    }

    /// <summary>The store the groups are filed into.</summary>
    public IFeedbackInbox Underneath => _inner;

    /// <summary>Transactions committed so far (for tests and logs: fewer than the feedbacks filed when grouping works).</summary>
    public long Groups => Interlocked.Read(ref _groups);

    long _groups;

    public async Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default)
    {
        // Refused here, alone: an invalid feedback inside a group would fail every valid one with it.
        FeedbackRules.Validate(feedback);
        var pending = new Pending(feedback, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_waiting.Writer.TryWrite(pending), this);
        return await pending.Filed.Task.WaitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default) =>
        _inner.FileManyAsync(feedbacks, cancellationToken);

    public Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(afterSequence, max, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    public Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default) =>
        _inner.CountForDomainAsync(domain, afterSequence, cancellationToken);

    async Task WriteGroupsAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var pending)) group.Add(pending);
            try
            {
                var filed = await _inner.FileManyAsync([.. group.Select(p => p.Feedback)]);
                Interlocked.Increment(ref _groups);
                for (var i = 0; i < group.Count; i++) group[i].Filed.TrySetResult(filed[i]);
            }
            catch (Exception error)
            {
                // The transaction filed none of them: each delivery fails and is retried on its own.
                foreach (var pending in group) pending.Filed.TrySetException(error);
            }
            group.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _writer;
    }

    sealed record Pending(FeedbackSubmitted Feedback, TaskCompletionSource<bool> Filed);
}
