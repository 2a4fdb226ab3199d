using System.Collections.Concurrent;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Feedback.Tests.Filing;

/// <summary>
/// What every <see cref="IFeedbackInbox"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class FeedbackInboxContract : StoreContract<IFeedbackInbox>
{
    [SkippableFact]
    public async Task Files_a_feedback_once_however_often_it_arrives()
    {
        var feedback = FeedbackSamples.Valid(5);

        Assert.True(await Store.FileAsync(feedback));
        Assert.False(await Store.FileAsync(feedback));
        Assert.False(await Store.FileAsync(feedback with { At = feedback.At.AddMinutes(1) }));

        Assert.Equal(1, await Store.CountAsync());
    }

    [SkippableFact]
    public async Task Racing_deliveries_of_one_feedback_file_it_once()
    {
        var feedback = FeedbackSamples.Valid(6);

        var filed = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Store.FileAsync(feedback))));

        Assert.Single(filed, wasFiled => wasFiled);
        Assert.Equal(1, await Store.CountAsync());
    }

    [SkippableFact]
    public async Task Concurrent_consumers_redelivering_many_feedbacks_file_each_exactly_once()
    {
        // Each feedback delivered four times, the deliveries shuffled over eight consumers working at once.
        var feedbacks = Enumerable.Range(0, 60).Select(FeedbackSamples.Valid).ToList();
        var deliveries = new ConcurrentQueue<int>(Enumerable.Range(0, feedbacks.Count * 4).Select(i => i % feedbacks.Count).OrderBy(_ => Random.Shared.Next()));
        var filedNow = new ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (deliveries.TryDequeue(out var n))
                if (await Store.FileAsync(feedbacks[n])) filedNow.Add(feedbacks[n].FeedbackId);
        })));

        Assert.Equal(feedbacks.Select(f => f.FeedbackId).Order(), filedNow.Order());
        var read = await Store.ReadAsync(0, 1000);
        Assert.Equal(feedbacks.Select(f => f.FeedbackId).Order(), read.Select(r => r.Feedback.FeedbackId).Order());
        Assert.True(read.Zip(read.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
    }

    [SkippableFact]
    public async Task A_reader_resuming_after_the_last_sequence_it_saw_misses_nothing_filed_meanwhile()
    {
        // The trainer's export and the alignment trigger resume after a sequence: one filed with a lower sequence but
        // seen later would be skipped for good.
        var feedbacks = Enumerable.Range(0, 120).Select(FeedbackSamples.Valid).ToList();
        var next = -1;
        var writers = Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (int n; (n = Interlocked.Increment(ref next)) < feedbacks.Count;) await Store.FileAsync(feedbacks[n]);
        })));
        var seen = new List<Guid>();
        long after = 0;
        while (true)
        {
            var done = writers.IsCompleted;
            var page = await Store.ReadAsync(after, 7);
            seen.AddRange(page.Select(p => p.Feedback.FeedbackId));
            if (page.Count > 0) after = page[^1].Sequence;
            else if (done) break;
        }
        await writers;

        Assert.Equal(feedbacks.Select(f => f.FeedbackId).Order(), seen.Order());
    }

    [SkippableFact]
    public async Task Keeps_the_whole_lineage_in_filing_order_for_the_trainer()
    {
        var feedbacks = Enumerable.Range(0, 6).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in feedbacks) await Store.FileAsync(feedback);

        var firstPage = await Store.ReadAsync(0, 4);
        var secondPage = await Store.ReadAsync(firstPage[^1].Sequence, 4);

        var read = firstPage.Concat(secondPage).ToList();
        Assert.Equal(feedbacks.Count, read.Count);
        for (var i = 0; i < feedbacks.Count; i++) FeedbackSamples.AssertSame(feedbacks[i], read[i].Feedback);
    }

    [SkippableFact]
    public async Task Counts_a_domains_feedback_filed_after_a_sequence()
    {
        foreach (var (n, domain) in new[] { (1, "a"), (2, "b"), (3, "a"), (4, "a") }) await Store.FileAsync(FeedbackSamples.Valid(n) with { Domain = domain });
        var sequences = (await Store.ReadAsync(0, 10)).Select(f => f.Sequence).ToList();
        long S(int i) => sequences[i - 1];

        Assert.Equal<(long, long?)>((3, S(4)), await Store.CountForDomainAsync("a", 0));
        Assert.Equal<(long, long?)>((2, S(4)), await Store.CountForDomainAsync("a", S(1)));
        Assert.Equal<(long, long?)>((0, null), await Store.CountForDomainAsync("a", S(4)));
        Assert.Equal<(long, long?)>((1, S(2)), await Store.CountForDomainAsync("b", 0));
        Assert.Equal<(long, long?)>((0, null), await Store.CountForDomainAsync("c", 0));
    }

    [SkippableFact]
    public async Task Files_a_list_in_one_go_saying_which_were_new()
    {
        var (a, b, c) = (FeedbackSamples.Valid(21), FeedbackSamples.Valid(22), FeedbackSamples.Valid(23));
        Assert.True(await Store.FileAsync(b));

        var filed = await Store.FileManyAsync([a, b, c, a]);

        Assert.Equal([true, false, true, false], filed);
        Assert.Equal([b.FeedbackId, a.FeedbackId, c.FeedbackId], (await Store.ReadAsync(0, 10)).Select(r => r.Feedback.FeedbackId));
    }

    [SkippableFact]
    public async Task A_redelivered_list_files_only_what_it_adds_and_keeps_every_feedback_once()
    {
        // A group is redelivered when its commit's answer was lost (a broker or a worker restart): part of it again,
        // a feedback listed twice, and one that is new.
        var (a, b, c, d) = (FeedbackSamples.Valid(41), FeedbackSamples.Valid(42), FeedbackSamples.Valid(43), FeedbackSamples.Valid(44));
        Assert.Equal([true, true, true], await Store.FileManyAsync([a, b, c]));

        var filed = await Store.FileManyAsync([c, d, a, d, c]);

        Assert.Equal([false, true, false, false, false], filed);
        var read = await Store.ReadAsync(0, 10);
        Assert.Equal([a.FeedbackId, b.FeedbackId, c.FeedbackId, d.FeedbackId], read.Select(r => r.Feedback.FeedbackId));
        foreach (var (expected, actual) in new[] { a, b, c, d }.Zip(read)) FeedbackSamples.AssertSame(expected, actual.Feedback);
    }

    [SkippableFact]
    public async Task Files_a_full_group_in_list_order_with_its_lineage()
    {
        var feedbacks = Enumerable.Range(0, GroupCommitInbox.MaxGroup).Select(FeedbackSamples.Valid).ToList();

        var filed = await Store.FileManyAsync(feedbacks);

        Assert.All(filed, Assert.True);
        var read = await Store.ReadAsync(0, feedbacks.Count + 1);
        Assert.Equal(feedbacks.Count, read.Count);
        for (var i = 0; i < feedbacks.Count; i++) FeedbackSamples.AssertSame(feedbacks[i], read[i].Feedback);
    }

    [SkippableFact]
    public async Task A_list_holding_an_invalid_feedback_files_none_of_it()
    {
        var valid = FeedbackSamples.Valid(31);

        await Assert.ThrowsAsync<InvalidFeedbackException>(() => Store.FileManyAsync([valid, FeedbackSamples.Valid(32) with { Rating = "sideways" }]));

        Assert.Equal(0, await Store.CountAsync());
    }

    [SkippableFact]
    public async Task Refuses_invalid_feedback()
    {
        var feedback = FeedbackSamples.Valid(1) with { Domain = "" };

        var error = await Assert.ThrowsAsync<InvalidFeedbackException>(() => Store.FileAsync(feedback));

        Assert.Contains("domain must not be empty", error.Message);
        Assert.Equal(0, await Store.CountAsync());
    }
}

public sealed class SqliteFeedbackInboxTests : FeedbackInboxContract
{
    protected override Task<StoreLease<IFeedbackInbox>> OpenAsync() => StoreBackends.Sqlite<IFeedbackInbox>(
        folder => new SqliteFeedbackInbox(Path.Combine(folder, "training-examples.db")));
}

public sealed class PostgresFeedbackInboxTests : FeedbackInboxContract
{
    protected override Task<StoreLease<IFeedbackInbox>> OpenAsync() => StoreBackends.Postgres<IFeedbackInbox>(database => new PostgresFeedbackInbox(database));
}

/// <summary>The same facts through the group commit the filing consumer uses, on SQLite.</summary>
public sealed class GroupCommitSqliteFeedbackInboxTests : FeedbackInboxContract
{
    protected override Task<StoreLease<IFeedbackInbox>> OpenAsync() => StoreBackends.Sqlite<IFeedbackInbox>(
        folder => new GroupCommitInbox(new SqliteFeedbackInbox(Path.Combine(folder, "training-examples.db"))));
}

/// <summary>The same facts through the group commit the filing consumer uses, on PostgreSQL.</summary>
public sealed class GroupCommitPostgresFeedbackInboxTests : FeedbackInboxContract
{
    protected override Task<StoreLease<IFeedbackInbox>> OpenAsync() => StoreBackends.Postgres<IFeedbackInbox>(
        database => new GroupCommitInbox(new PostgresFeedbackInbox(database)));
}
