using DomainAssistant.Jobs.Alignment;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>
/// The trigger's checks shared among filings: a caller is answered only by a check that started after it asked (so
/// it counted the caller's feedback), callers arriving during one check share the next, and domains do not wait on
/// each other.
/// </summary>
public sealed class SharedDomainChecksTests
{
    readonly SharedDomainChecks _checks = new();

    [Fact]
    public async Task Callers_arriving_during_a_check_share_one_check_that_starts_after_they_asked()
    {
        var release = new TaskCompletionSource();
        var asked = 0;
        var seenAtStart = new List<int>();
        Func<Task> Check() => async () =>
        {
            lock (seenAtStart) seenAtStart.Add(Volatile.Read(ref asked));
            await release.Task;
        };

        Interlocked.Increment(ref asked);
        var first = _checks.RunAsync("a", Check());
        while (seenAtStart.Count == 0) await Task.Delay(5);
        var during = Enumerable.Range(0, 5).Select(_ =>
        {
            Interlocked.Increment(ref asked);
            return _checks.RunAsync("a", Check());
        }).ToList();

        Assert.False(first.IsCompleted);
        Assert.All(during, d => Assert.False(d.IsCompleted));
        release.SetResult();
        await first;
        await Task.WhenAll(during);

        // Two checks for six callers; the second saw all six asks.
        Assert.Equal([1, 6], seenAtStart);
    }

    [Fact]
    public async Task A_check_of_one_domain_does_not_hold_up_another()
    {
        var never = new TaskCompletionSource();
        var blocked = _checks.RunAsync("a", () => never.Task);

        await _checks.RunAsync("b", () => Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(blocked.IsCompleted);
        never.SetResult();
        await blocked;
    }

    [Fact]
    public async Task A_failed_check_fails_every_caller_that_shared_it_and_the_next_caller_gets_a_fresh_one()
    {
        var (started, release) = (new TaskCompletionSource(), new TaskCompletionSource());
        var first = _checks.RunAsync("a", () =>
        {
            started.SetResult();
            return release.Task;
        });
        await started.Task;
        var shared = Enumerable.Range(0, 3).Select(_ => _checks.RunAsync("a", () => throw new InvalidOperationException("ledger down"))).ToList();
        release.SetResult();
        await first;

        foreach (var caller in shared)
            Assert.Equal("ledger down", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller)).Message);
        var ran = false;
        await _checks.RunAsync("a", () =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        Assert.True(ran);
    }
}
