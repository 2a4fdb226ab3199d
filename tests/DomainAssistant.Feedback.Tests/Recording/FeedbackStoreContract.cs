using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage.PostgreSql;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Feedback.Tests.Recording;

/// <summary>
/// What every <see cref="IFeedbackStore"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class FeedbackStoreContract : StoreContract<IFeedbackStore>
{
    [SkippableFact]
    public async Task Records_feedback_with_its_whole_lineage_as_pending()
    {
        var feedback = FeedbackSamples.Valid(7);

        Assert.Equal(FeedbackRecording.Recorded, await Store.RecordAsync(feedback));

        var stored = await Store.FindAsync(feedback.FeedbackId);
        Assert.NotNull(stored);
        FeedbackSamples.AssertSame(feedback, stored.Feedback);
        Assert.True(stored.IsPending);
        Assert.Equal(0, stored.PublishAttempts);
        Assert.Equal(1, await Store.CountPendingAsync());
        Assert.Null(await Store.FindAsync(Guid.NewGuid()));
    }

    [SkippableFact]
    public async Task Every_sample_reads_back_exactly_as_submitted()
    {
        var samples = Enumerable.Range(0, 12).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in samples) await Store.RecordAsync(feedback);

        foreach (var feedback in samples) FeedbackSamples.AssertSame(feedback, (await Store.FindAsync(feedback.FeedbackId))!.Feedback);
    }

    [SkippableFact]
    public async Task Recording_the_same_feedback_again_is_idempotent_and_keeps_the_first_copy()
    {
        var feedback = FeedbackSamples.Valid(3);
        await Store.RecordAsync(feedback);

        // A client retry may stamp its request anew: still the same feedback.
        var retry = feedback with { At = feedback.At.AddSeconds(5), Tags = [.. feedback.Tags] };

        Assert.Equal(FeedbackRecording.AlreadyRecorded, await Store.RecordAsync(retry));
        Assert.Equal(1, await Store.CountPendingAsync());
        Assert.Equal(feedback.At, (await Store.FindAsync(feedback.FeedbackId))!.Feedback.At);
    }

    [SkippableFact]
    public async Task Concurrent_submissions_of_one_feedback_store_it_once()
    {
        var feedback = FeedbackSamples.Valid(4);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Store.RecordAsync(feedback))));

        Assert.Single(outcomes, outcome => outcome == FeedbackRecording.Recorded);
        Assert.Equal(15, outcomes.Count(outcome => outcome == FeedbackRecording.AlreadyRecorded));
        Assert.Equal(1, await Store.CountPendingAsync());
    }

    [SkippableFact]
    public async Task Refuses_a_reused_id_with_different_content()
    {
        var feedback = FeedbackSamples.Valid(2);
        await Store.RecordAsync(feedback);

        var error = await Assert.ThrowsAsync<FeedbackConflictException>(
            () => Store.RecordAsync(feedback with { Rating = FeedbackRating.Down }));

        Assert.Contains($"Feedback {feedback.FeedbackId} was already recorded with different content", error.Message);
        Assert.Equal(FeedbackRating.Up, (await Store.FindAsync(feedback.FeedbackId))!.Feedback.Rating);
    }

    [SkippableFact]
    public async Task Refuses_invalid_feedback_with_a_clear_message_and_stores_nothing()
    {
        var feedback = FeedbackSamples.Valid(2) with { Rating = "sideways" };

        var error = await Assert.ThrowsAsync<InvalidFeedbackException>(() => Store.RecordAsync(feedback));

        Assert.Equal($"Feedback {feedback.FeedbackId} is invalid: rating must be \"up\" or \"down\" (got \"sideways\").", error.Message);
        Assert.Null(await Store.FindAsync(feedback.FeedbackId));
    }

    [SkippableFact]
    public async Task Hands_out_pending_feedback_in_store_order_page_by_page()
    {
        var recorded = Enumerable.Range(0, 5).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in recorded) await Store.RecordAsync(feedback);

        var first = await Store.ReadPendingAsync(0, 3);
        var rest = await Store.ReadPendingAsync(first[^1].Sequence, 3);

        Assert.Equal(recorded.Select(f => f.FeedbackId), first.Concat(rest).Select(s => s.Feedback.FeedbackId));
        Assert.True(first.Zip(first.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
    }

    [SkippableFact]
    public async Task Recording_claimed_stores_the_feedback_as_pending_once_and_keeps_the_first_copy()
    {
        var feedback = FeedbackSamples.Valid(3);

        Assert.Equal(FeedbackRecording.Recorded, await Store.RecordClaimedAsync(feedback));
        Assert.Equal(FeedbackRecording.AlreadyRecorded, await Store.RecordClaimedAsync(feedback));
        Assert.Equal(FeedbackRecording.AlreadyRecorded, await Store.RecordAsync(feedback));
        await Assert.ThrowsAsync<FeedbackConflictException>(() => Store.RecordClaimedAsync(feedback with { Reason = "changed after the fact" }));

        var stored = (await Store.FindAsync(feedback.FeedbackId))!;
        FeedbackSamples.AssertSame(feedback, stored.Feedback);
        Assert.True(stored.IsPending);
        Assert.Equal(0, stored.PublishAttempts);
        Assert.Equal(1, await Store.CountPendingAsync());

        // Giving it back counts no attempt; giving back one already published changes nothing.
        await Store.ReleaseAsync([feedback.FeedbackId]);
        Assert.Equal(0, (await Store.FindAsync(feedback.FeedbackId))!.PublishAttempts);
        await Store.MarkPublishedAsync([feedback.FeedbackId], DateTimeOffset.UtcNow);
        await Store.ReleaseAsync([feedback.FeedbackId]);
        await Store.ReleaseAsync([]);
        Assert.False((await Store.FindAsync(feedback.FeedbackId))!.IsPending);
        Assert.Equal(0, await Store.CountPendingAsync());
    }

    [SkippableFact]
    public async Task Confirmed_feedback_leaves_the_pending_list_and_failed_feedback_stays_with_its_reason()
    {
        var confirmed = FeedbackSamples.Valid(0);
        var failed = FeedbackSamples.Valid(1);
        await Store.RecordAsync(confirmed);
        await Store.RecordAsync(failed);
        // PostgreSQL keeps microseconds: a time it can hold exactly.
        var publishedAt = PostgresTime.Stored(DateTimeOffset.UtcNow);

        await Store.MarkPublishFailedAsync([failed.FeedbackId], "broker down");
        await Store.MarkPublishedAsync([confirmed.FeedbackId], publishedAt);
        await Store.MarkPublishedAsync([confirmed.FeedbackId], publishedAt.AddMinutes(1));
        await Store.MarkPublishedAsync([], publishedAt);

        var pending = await Store.ReadPendingAsync(0, 10);
        Assert.Equal([failed.FeedbackId], pending.Select(s => s.Feedback.FeedbackId));
        Assert.Equal("broker down", pending[0].LastPublishError);
        Assert.Equal(1, pending[0].PublishAttempts);
        var published = (await Store.FindAsync(confirmed.FeedbackId))!;
        Assert.Equal(publishedAt, published.PublishedAt);
        Assert.Equal(1, published.PublishAttempts);
        Assert.False(published.IsPending);
        Assert.Equal(1, await Store.CountPendingAsync());
    }
}

public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract
{
    string? _folder;

    protected override Task<StoreLease<IFeedbackStore>> OpenAsync() => StoreBackends.Sqlite<IFeedbackStore>(folder =>
    {
        _folder = folder;
        return new SqliteFeedbackStore(Path.Combine(folder, "data", "feedback.db"));
    });

    [Fact]
    public async Task Records_into_a_real_file_that_a_second_store_reads()
    {
        var feedback = FeedbackSamples.Valid(7);
        await Store.RecordAsync(feedback);

        var path = Path.Combine(_folder!, "data", "feedback.db");
        Assert.True(File.Exists(path));
        FeedbackSamples.AssertSame(feedback, (await new SqliteFeedbackStore(path).FindAsync(feedback.FeedbackId))!.Feedback);
    }
}

public sealed class PostgresFeedbackStoreTests : FeedbackStoreContract
{
    PostgresDatabase? _database;

    protected override Task<StoreLease<IFeedbackStore>> OpenAsync() => StoreBackends.Postgres<IFeedbackStore>(database =>
    {
        _database = database;
        return new PostgresFeedbackStore(database);
    });

    [SkippableFact]
    public async Task Two_processes_reading_the_pending_list_at_once_are_handed_each_feedback_once()
    {
        // Each API process's outbox reads the one shared list: a row handed to both would be published twice.
        var recorded = Enumerable.Range(0, 40).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in recorded) await Store.RecordAsync(feedback);
        var other = new PostgresFeedbackStore(_database!);

        var handedOut = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? Store : other).ReadPendingAsync(0, 7))));

        var ids = handedOut.SelectMany(page => page.Select(s => s.Feedback.FeedbackId)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(recorded.Select(f => f.FeedbackId).Order(), (ids.Concat((await Store.ReadPendingAsync(0, 100)).Select(s => s.Feedback.FeedbackId))).Order());
        Assert.All(handedOut, page => Assert.True(page.Zip(page.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence)));
    }

    [SkippableFact]
    public async Task Feedback_recorded_claimed_is_left_to_its_recorder_until_given_back_or_its_claim_runs_out()
    {
        var (givenBack, abandoned) = (FeedbackSamples.Valid(1), FeedbackSamples.Valid(2));
        var recorder = new PostgresFeedbackStore(_database!, claim: TimeSpan.FromSeconds(2));
        await recorder.RecordClaimedAsync(givenBack);
        await recorder.RecordClaimedAsync(abandoned);

        // Another process's pass (and the recorder's own) sees both pending, and is handed neither.
        Assert.Equal(2, await Store.CountPendingAsync());
        Assert.Empty(await Store.ReadPendingAsync(0, 10));
        Assert.Empty(await recorder.ReadPendingAsync(0, 10));

        await recorder.ReleaseAsync([givenBack.FeedbackId]);
        Assert.Equal([givenBack.FeedbackId], (await Store.ReadPendingAsync(0, 10)).Select(s => s.Feedback.FeedbackId));

        // The recorder died before publishing the other: once its claim runs out, another pass is handed it.
        await Task.Delay(2500);
        Assert.Equal([abandoned.FeedbackId], (await Store.ReadPendingAsync(0, 10)).Select(s => s.Feedback.FeedbackId));
        Assert.Equal(0, (await Store.FindAsync(abandoned.FeedbackId))!.PublishAttempts);
    }

    [SkippableFact]
    public async Task Claimed_feedback_recorded_at_once_goes_in_grouped_inserts_each_caller_with_its_own_answer()
    {
        await using var recorder = new PostgresFeedbackStore(_database!);
        var fresh = Enumerable.Range(0, 300).Select(FeedbackSamples.Valid).ToList();
        var before = FeedbackSamples.Valid(1);
        await recorder.RecordClaimedAsync(before);
        var groupsBefore = recorder.ClaimedGroups;

        // 300 new feedbacks, a retry of one recorded before, the same new feedback twice, and a reused id with other content.
        var twice = FeedbackSamples.Valid(2);
        var writes = fresh.Select(f => Task.Run(() => recorder.RecordClaimedAsync(f)))
            .Append(Task.Run(() => recorder.RecordClaimedAsync(before)))
            .Append(Task.Run(() => recorder.RecordClaimedAsync(twice)))
            .Append(Task.Run(() => recorder.RecordClaimedAsync(twice)))
            .ToList();
        var conflict = Task.Run(() => recorder.RecordClaimedAsync(before with { Reason = "changed after the fact" }));
        var outcomes = await Task.WhenAll(writes);

        Assert.All(outcomes.Take(300), outcome => Assert.Equal(FeedbackRecording.Recorded, outcome));
        Assert.Equal(FeedbackRecording.AlreadyRecorded, outcomes[300]);
        Assert.Equal([FeedbackRecording.Recorded, FeedbackRecording.AlreadyRecorded], outcomes.Skip(301).Order());
        await Assert.ThrowsAsync<FeedbackConflictException>(() => conflict);
        foreach (var feedback in fresh.Take(5)) FeedbackSamples.AssertSame(feedback, (await Store.FindAsync(feedback.FeedbackId))!.Feedback);
        Assert.Equal(302, await Store.CountPendingAsync());
        Assert.Empty(await Store.ReadPendingAsync(0, 400)); // every row claimed by its recorder
        // Grouped: far fewer INSERTs than feedbacks (one per group of at most 256).
        Assert.InRange(recorder.ClaimedGroups - groupsBefore, 2, 150);
    }

    [SkippableFact]
    public async Task A_NUL_character_which_PostgreSQL_text_cannot_hold_is_refused_before_any_insert()
    {
        await using var recorder = new PostgresFeedbackStore(_database!);
        var refused = FeedbackSamples.Valid(3) with { Reason = "nul \u0000 inside" };
        var others = Enumerable.Range(10, 40).Select(FeedbackSamples.Valid).ToList();

        var writes = others.Select(f => Task.Run(() => recorder.RecordClaimedAsync(f))).ToList();
        var error = await Assert.ThrowsAsync<InvalidFeedbackException>(() => recorder.RecordClaimedAsync(refused));

        Assert.Contains("reason must not contain the NUL character", error.Message);
        Assert.All(await Task.WhenAll(writes), outcome => Assert.Equal(FeedbackRecording.Recorded, outcome));
        Assert.Equal(40, await Store.CountPendingAsync());
    }

    [SkippableFact]
    public async Task A_failed_publish_hands_the_feedback_out_again_at_once_and_a_claim_that_runs_out_does_too()
    {
        var (failed, abandoned) = (FeedbackSamples.Valid(1), FeedbackSamples.Valid(2));
        var store = new PostgresFeedbackStore(_database!, claim: TimeSpan.FromSeconds(2));
        await store.RecordAsync(failed);
        await store.RecordAsync(abandoned);

        Assert.Equal(2, (await store.ReadPendingAsync(0, 10)).Count);
        Assert.Empty(await store.ReadPendingAsync(0, 10));
        await store.MarkPublishFailedAsync([failed.FeedbackId], "broker down");
        Assert.Equal([failed.FeedbackId], (await store.ReadPendingAsync(0, 10)).Select(s => s.Feedback.FeedbackId));

        // The process that claimed it died: after the claim, another pass publishes it (and the failed one, again).
        await Task.Delay(2500);
        Assert.Equal([failed.FeedbackId, abandoned.FeedbackId], (await store.ReadPendingAsync(0, 10)).Select(s => s.Feedback.FeedbackId));
        Assert.Equal(2, await store.CountPendingAsync());
    }
}
