using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Recording;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;

namespace DomainAssistant.Feedback.Tests.Recording;

public sealed class SqliteFeedbackStoreTests : IDisposable
{
    readonly TempDirectory _folder = new();
    readonly SqliteFeedbackStore _store;

    public SqliteFeedbackStoreTests() => _store = new SqliteFeedbackStore(_folder.File("data/feedback.db"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Records_feedback_with_its_whole_lineage_as_pending_in_a_real_file()
    {
        var feedback = FeedbackSamples.Valid(7);

        Assert.Equal(FeedbackRecording.Recorded, await _store.RecordAsync(feedback));

        Assert.True(File.Exists(_folder.File("data/feedback.db")));
        var stored = await new SqliteFeedbackStore(_folder.File("data/feedback.db")).FindAsync(feedback.FeedbackId);
        Assert.NotNull(stored);
        FeedbackSamples.AssertSame(feedback, stored.Feedback);
        Assert.True(stored.IsPending);
        Assert.Equal(0, stored.PublishAttempts);
        Assert.Equal(1, await _store.CountPendingAsync());
    }

    [Fact]
    public async Task Recording_the_same_feedback_again_is_idempotent_and_keeps_the_first_copy()
    {
        var feedback = FeedbackSamples.Valid(3);
        await _store.RecordAsync(feedback);

        // A client retry may stamp its request anew: still the same feedback.
        var retry = feedback with { At = feedback.At.AddSeconds(5), Tags = [.. feedback.Tags] };

        Assert.Equal(FeedbackRecording.AlreadyRecorded, await _store.RecordAsync(retry));
        Assert.Equal(1, await _store.CountPendingAsync());
        Assert.Equal(feedback.At, (await _store.FindAsync(feedback.FeedbackId))!.Feedback.At);
    }

    [Fact]
    public async Task Concurrent_submissions_of_one_feedback_store_it_once()
    {
        var feedback = FeedbackSamples.Valid(4);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _store.RecordAsync(feedback))));

        Assert.Single(outcomes, outcome => outcome == FeedbackRecording.Recorded);
        Assert.Equal(15, outcomes.Count(outcome => outcome == FeedbackRecording.AlreadyRecorded));
        Assert.Equal(1, await _store.CountPendingAsync());
    }

    [Fact]
    public async Task Refuses_a_reused_id_with_different_content()
    {
        var feedback = FeedbackSamples.Valid(2);
        await _store.RecordAsync(feedback);

        var error = await Assert.ThrowsAsync<FeedbackConflictException>(
            () => _store.RecordAsync(feedback with { Rating = FeedbackRating.Down }));

        Assert.Contains($"Feedback {feedback.FeedbackId} was already recorded with different content", error.Message);
        Assert.Equal(FeedbackRating.Up, (await _store.FindAsync(feedback.FeedbackId))!.Feedback.Rating);
    }

    [Fact]
    public async Task Refuses_invalid_feedback_with_a_clear_message_and_stores_nothing()
    {
        var feedback = FeedbackSamples.Valid(2) with { Rating = "sideways" };

        var error = await Assert.ThrowsAsync<InvalidFeedbackException>(() => _store.RecordAsync(feedback));

        Assert.Equal($"Feedback {feedback.FeedbackId} is invalid: rating must be \"up\" or \"down\" (got \"sideways\").", error.Message);
        Assert.Null(await _store.FindAsync(feedback.FeedbackId));
    }

    [Fact]
    public async Task Hands_out_pending_feedback_in_store_order_page_by_page()
    {
        var recorded = Enumerable.Range(0, 5).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in recorded) await _store.RecordAsync(feedback);

        var first = await _store.ReadPendingAsync(0, 3);
        var rest = await _store.ReadPendingAsync(first[^1].Sequence, 3);

        Assert.Equal(recorded.Select(f => f.FeedbackId), first.Concat(rest).Select(s => s.Feedback.FeedbackId));
        Assert.True(first.Zip(first.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
    }

    [Fact]
    public async Task Confirmed_feedback_leaves_the_pending_list_and_failed_feedback_stays_with_its_reason()
    {
        var confirmed = FeedbackSamples.Valid(0);
        var failed = FeedbackSamples.Valid(1);
        await _store.RecordAsync(confirmed);
        await _store.RecordAsync(failed);
        var publishedAt = DateTimeOffset.UtcNow;

        await _store.MarkPublishFailedAsync([failed.FeedbackId], "broker down");
        await _store.MarkPublishedAsync([confirmed.FeedbackId], publishedAt);

        var pending = await _store.ReadPendingAsync(0, 10);
        Assert.Equal([failed.FeedbackId], pending.Select(s => s.Feedback.FeedbackId));
        Assert.Equal("broker down", pending[0].LastPublishError);
        Assert.Equal(1, pending[0].PublishAttempts);
        var published = (await _store.FindAsync(confirmed.FeedbackId))!;
        Assert.Equal(publishedAt, published.PublishedAt);
        Assert.False(published.IsPending);
        Assert.Equal(1, await _store.CountPendingAsync());
    }
}
