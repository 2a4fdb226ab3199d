using System.Threading.Channels;

namespace DomainAssistant.Storage;

/// <summary>
/// Group commit: writes that arrive while a group commits wait and go together in the next one, so a burst of small
/// writes costs a few transactions (each a round trip, a commit and a disk flush) instead of one each. Alone, a write
/// goes at once. Each caller gets its own result, or the exception of the commit that carried its item.
/// </summary>
/// <typeparam name="TItem">What a caller writes.</typeparam>
/// <typeparam name="TResult">What the commit answers for one item.</typeparam>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _commit;
    readonly Func<Exception, bool> _itemFault;
    readonly int _maxGroup;
    readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _writer;
    long _groups;

    /// <param name="commit">Writes a group in one transaction and answers one result per item, in order; throws when
    /// it wrote none of them.</param>
    /// <param name="maxGroup">Most items in one group; later arrivals wait for the next.</param>
    /// <param name="itemFault">Whether a failed commit may be the fault of one item (bad data) rather than of the store:
    /// then the group is written again one item at a time, so only that item's caller fails. Null: never.</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, int maxGroup, Func<Exception, bool>? itemFault = null)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxGroup);
        _commit = commit;
        _maxGroup = maxGroup;
        _itemFault = itemFault ?? (_ => false);
        _writer = Task.Run(WriteGroupsAsync);
    }

    /// <summary>Commits so far (for tests and logs: fewer than the items written when grouping works).</summary>
    public long Groups => Interlocked.Read(ref _groups);

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting. A caller that stops waiting
    /// (<paramref name="cancellationToken"/>) may still find its item written.</summary>
    public async Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_waiting.Writer.TryWrite(pending), this);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    async Task WriteGroupsAsync()
    {
        var group = new List<Pending>(_maxGroup);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            while (group.Count < _maxGroup && _waiting.Reader.TryRead(out var pending)) group.Add(pending);
            try
            {
                await CommitAsync(group);
            }
            catch (Exception error) when (group.Count > 1 && _itemFault(error))
            {
                foreach (var pending in group)
                {
                    try
                    {
                        await CommitAsync([pending]);
                    }
                    catch (Exception alone)
                    {
                        pending.Done.TrySetException(alone);
                    }
                }
            }
            catch (Exception error)
            {
                // The transaction wrote none of them: every caller fails and may try again on its own.
                foreach (var pending in group) pending.Done.TrySetException(error);
            }
            group.Clear();
        }
    }

    async Task CommitAsync(IReadOnlyList<Pending> group)
    {
        var results = await _commit([.. group.Select(p => p.Item)]);
        Interlocked.Increment(ref _groups);
        if (results.Count != group.Count)
            throw new InvalidOperationException($"a group commit answered {results.Count} results for {group.Count} items.");
        for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
    }

    /// <summary>Stops taking writes and waits for the groups already taken.</summary>
    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _writer;
    }

    sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
