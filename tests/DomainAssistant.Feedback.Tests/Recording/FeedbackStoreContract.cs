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
    protected override Task<StoreLease<IFeedbackStore>> OpenAsync() => StoreBackends.Postgres<IFeedbackStore>(database => new PostgresFeedbackStore(database));
}
