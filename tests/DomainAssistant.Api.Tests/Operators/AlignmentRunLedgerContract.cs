using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Alignment;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Api.Tests.Operators;

/// <summary>
/// What every <see cref="IAlignmentRunLedger"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class AlignmentRunLedgerContract : StoreContract<IAlignmentRunLedger>
{
    const string Domain = "tidewell-support";
    static readonly CancellationToken None = CancellationToken.None;

    static StartAlignmentRun Start(string domain = Domain, string method = "rloo") => new(Guid.NewGuid(), domain, method, "key:ops");

    static Func<long, Task<(long Count, long? LastSequence)>> Filed(long count, long? last) => _ => Task.FromResult((count, last));

    [SkippableFact]
    public async Task A_domain_holds_one_queued_or_running_run_at_a_time()
    {
        var first = Start();
        var (queued, wasQueued) = await Store.QueueAsync(first, None);
        Assert.True(wasQueued);
        Assert.Equal((first.JobId, Domain, "rloo", AlignmentRunStates.Queued, "key:ops", false), (queued.Id, queued.Domain, queued.Method, queued.State, queued.RequestedBy, queued.Published));

        var (held, second) = await Store.QueueAsync(Start(method: "kto"), None);
        Assert.False(second);
        Assert.Equal(first.JobId, held.Id);
        Assert.True((await Store.QueueAsync(Start("other-domain"), None)).Queued);

        await Store.StartAsync(first, DateTimeOffset.UtcNow, None);
        Assert.False((await Store.QueueAsync(Start(), None)).Queued);
        await Store.FailAsync(first.JobId, "out of memory", DateTimeOffset.UtcNow, None);
        Assert.True((await Store.QueueAsync(Start(), None)).Queued);
    }

    [SkippableFact]
    public async Task The_trigger_queues_a_run_once_enough_feedback_was_filed_since_the_last_one()
    {
        var now = DateTimeOffset.UtcNow;
        long countedFrom = -1;
        Assert.Null(await Store.QueueWhenDueAsync(Start(), 4, after => { countedFrom = after; return Task.FromResult((3L, (long?)9)); }, now, None));
        Assert.Equal(0, countedFrom);

        var start = Start();
        var run = await Store.QueueWhenDueAsync(start, 4, Filed(4, 12), now, None);
        Assert.NotNull(run);
        Assert.Equal((start.JobId, AlignmentRunStates.Queued, 12L), (run.Id, run.State, run.FeedbackThrough));
        Assert.Equal(run, await Store.FindAsync(start.JobId, None));

        // While it is active, nothing more is queued; once it finished, counting resumes after what it covered.
        Assert.Null(await Store.QueueWhenDueAsync(Start(), 4, Filed(100, 200), now, None));
        await Store.MarkPublishedAsync(start.JobId, None);
        await Store.StartAsync(start, now, None);
        await Store.RecordWindowAsync(start.JobId, 15, None);
        await Store.SucceedAsync(start.JobId, "pass", "/adapters/a", new string('b', 64), now, None);
        Assert.Null(await Store.QueueWhenDueAsync(Start(), 4, after => { countedFrom = after; return Task.FromResult((0L, (long?)null)); }, now, None));
        Assert.Equal(15, countedFrom);
    }

    [SkippableFact]
    public async Task A_start_never_confirmed_sent_is_handed_back_after_the_grace_period()
    {
        var start = Start();
        var queued = (await Store.QueueWhenDueAsync(start, 1, Filed(1, 1), DateTimeOffset.UtcNow, None))!;

        Assert.Null(await Store.QueueWhenDueAsync(Start(), 1, Filed(5, 6), queued.CreatedAt + TimeSpan.FromSeconds(1), None));
        var again = await Store.QueueWhenDueAsync(Start(), 1, Filed(5, 6), queued.CreatedAt + IAlignmentRunLedger.UnpublishedGrace + TimeSpan.FromSeconds(1), None);
        Assert.Equal(start.JobId, again?.Id);

        await Store.MarkPublishedAsync(start.JobId, None);
        Assert.Null(await Store.QueueWhenDueAsync(Start(), 1, Filed(5, 6), queued.CreatedAt + TimeSpan.FromHours(1), None));
        Assert.True((await Store.FindAsync(start.JobId, None))!.Published);
    }

    [SkippableFact]
    public async Task A_delivered_start_runs_once_and_a_start_never_queued_here_is_recorded()
    {
        var queued = Start();
        await Store.QueueAsync(queued, None);

        var running = await Store.StartAsync(queued, DateTimeOffset.UtcNow, None);
        Assert.Equal((AlignmentRunStates.Running, true), (running!.State, running.Published));
        Assert.NotNull(await Store.StartAsync(queued, DateTimeOffset.UtcNow, None)); // resumed after its holder stopped
        await Store.SucceedAsync(queued.JobId, "pass", "/adapters/a", new string('c', 64), DateTimeOffset.UtcNow, None);
        Assert.Null(await Store.StartAsync(queued, DateTimeOffset.UtcNow, None));

        var stranger = Start("elsewhere", "kto");
        Assert.Equal(AlignmentRunStates.Running, (await Store.StartAsync(stranger, DateTimeOffset.UtcNow, None))!.State);
        var recorded = (await Store.FindAsync(stranger.JobId, None))!;
        Assert.Equal(("elsewhere", "kto", AlignmentRunStates.Running, true), (recorded.Domain, recorded.Method, recorded.State, recorded.Published));
    }

    [SkippableFact]
    public async Task A_finished_run_keeps_its_verdict_adapter_window_or_error()
    {
        var passed = Start();
        await Store.QueueAsync(passed, None);
        await Store.RecordWindowAsync(passed.JobId, 40, None);
        await Store.RecordWindowAsync(passed.JobId, 30, None);
        await Store.RecordWindowAsync(passed.JobId, null, None);
        await Store.SucceedAsync(passed.JobId, "pass", "/data/models/alignment/a", new string('d', 64), DateTimeOffset.UtcNow, None);
        var failed = Start();
        await Store.QueueAsync(failed, None);
        await Store.FailAsync(failed.JobId, "too few votes – «ü»", DateTimeOffset.UtcNow, None);

        var runs = await Store.ForDomainAsync(Domain, None);

        Assert.Equal([passed.JobId, failed.JobId], runs.Select(r => r.Id));
        Assert.Equal((AlignmentRunStates.Succeeded, "pass", "/data/models/alignment/a", new string('d', 64), 40L, (string?)null),
            (runs[0].State, runs[0].Verdict, runs[0].Adapter, runs[0].AdapterSha256, runs[0].FeedbackThrough, runs[0].Error));
        Assert.Equal((AlignmentRunStates.Failed, "too few votes – «ü»"), (runs[1].State, runs[1].Error));
        Assert.Null(await Store.FindAsync(Guid.NewGuid(), None));
        Assert.Empty(await Store.ForDomainAsync("unknown", None));
    }

    [SkippableFact]
    public async Task Unfinished_runs_of_every_domain_are_listed_oldest_first()
    {
        var a = Start("a");
        var b = Start("b");
        var c = Start("c");
        foreach (var start in new[] { a, b, c }) await Store.QueueAsync(start, None);
        await Store.StartAsync(b, DateTimeOffset.UtcNow, None);
        await Store.FailAsync(c.JobId, "stopped", DateTimeOffset.UtcNow, None);

        Assert.Equal([a.JobId, b.JobId], (await Store.UnfinishedAsync(None)).Select(r => r.Id));
    }

    [SkippableFact]
    public async Task Feedbacks_filed_at_once_start_one_run()
    {
        // Each trigger check counts while holding the decision, slowly, as a count over a busy inbox would.
        async Task<(long, long?)> SlowCount(long after)
        {
            await Task.Delay(20);
            return (10, 10);
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() =>
            Store.QueueWhenDueAsync(Start(), 4, SlowCount, DateTimeOffset.UtcNow, None))));

        Assert.Single(runs, run => run is not null);
        Assert.Single(await Store.ForDomainAsync(Domain, None));
    }

    [SkippableFact]
    public async Task Operators_asking_at_once_queue_one_run()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Store.QueueAsync(Start(), None))));

        Assert.Single(outcomes, outcome => outcome.Queued);
        Assert.All(outcomes, outcome => Assert.Equal(outcomes.Single(o => o.Queued).Run.Id, outcome.Run.Id));
    }
}

public sealed class SqliteAlignmentRunLedgerTests : AlignmentRunLedgerContract
{
    protected override Task<StoreLease<IAlignmentRunLedger>> OpenAsync() => StoreBackends.Sqlite<IAlignmentRunLedger>(
        folder => new SqliteAlignmentRunLedger(Path.Combine(folder, SqliteAlignmentRunLedger.FileName)));
}

public sealed class PostgresAlignmentRunLedgerTests : AlignmentRunLedgerContract
{
    protected override Task<StoreLease<IAlignmentRunLedger>> OpenAsync() => StoreBackends.Postgres<IAlignmentRunLedger>(
        database => new PostgresAlignmentRunLedger(database));
}
