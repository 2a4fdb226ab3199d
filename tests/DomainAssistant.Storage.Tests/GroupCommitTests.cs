namespace DomainAssistant.Storage.Tests;

public class GroupCommitTests
{
    [Fact]
    public async Task Writes_that_arrive_during_a_commit_go_together_in_the_next_each_with_its_own_result()
    {
        var firstCommitStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var groups = new List<int[]>();
        await using var commit = new GroupCommit<int, string>(async items =>
        {
            lock (groups) groups.Add([.. items]);
            if (items.Contains(0))
            {
                firstCommitStarted.SetResult();
                await releaseFirst.Task;
            }
            return [.. items.Select(i => $"item {i}")];
        }, maxGroup: 4);

        var first = commit.WriteAsync(0);
        await firstCommitStarted.Task;
        var later = Enumerable.Range(1, 6).Select(i => commit.WriteAsync(i)).ToList(); // wait while item 0's group commits
        releaseFirst.SetResult();

        Assert.Equal("item 0", await first);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"item {i}"), await Task.WhenAll(later));
        Assert.Equal([[0], [1, 2, 3, 4], [5, 6]], groups);
        Assert.Equal(3, commit.Groups);
    }

    [Fact]
    public async Task A_failed_commit_fails_every_caller_of_its_group()
    {
        await using var commit = new GroupCommit<int, int>(_ => throw new TimeoutException("the store is down"), maxGroup: 8);

        var writes = Enumerable.Range(0, 5).Select(i => commit.WriteAsync(i)).ToList();

        foreach (var write in writes) Assert.Equal("the store is down", (await Assert.ThrowsAsync<TimeoutException>(() => write)).Message);
        Assert.Equal(0, commit.Groups);
    }

    [Fact]
    public async Task A_group_failed_by_one_items_data_is_written_again_one_by_one_so_only_that_caller_fails()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var commit = new GroupCommit<int, int>(async items =>
        {
            if (items.Contains(-1)) await gate.Task; // hold the first group so the rest arrive together
            if (items.Contains(13)) throw new FormatException("13 is not storable");
            return [.. items.Select(i => i * 2)];
        }, maxGroup: 16, itemFault: error => error is FormatException);

        var held = commit.WriteAsync(-1);
        var writes = Enumerable.Range(10, 6).Select(i => commit.WriteAsync(i)).ToList();
        gate.SetResult();

        Assert.Equal(-2, await held);
        for (var i = 0; i < writes.Count; i++)
        {
            if (i + 10 == 13) Assert.Equal("13 is not storable", (await Assert.ThrowsAsync<FormatException>(() => writes[i])).Message);
            else Assert.Equal((i + 10) * 2, await writes[i]);
        }
    }

    [Fact]
    public async Task Refuses_writes_once_disposed()
    {
        var commit = new GroupCommit<int, int>(items => Task.FromResult<IReadOnlyList<int>>([.. items]), maxGroup: 2);
        Assert.Equal(7, await commit.WriteAsync(7));
        await commit.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit.WriteAsync(8));
    }
}
