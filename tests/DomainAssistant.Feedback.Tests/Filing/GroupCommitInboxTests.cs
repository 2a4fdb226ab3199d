using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;
using DomainAssistant.Storage.Tests;

namespace DomainAssistant.Feedback.Tests.Filing;

public sealed class GroupCommitInboxTests : StoreContract<GroupCommitInbox>
{
    GroupCommitInbox Inbox => Store;

    protected override Task<StoreLease<GroupCommitInbox>> OpenAsync() => StoreBackends.Sqlite(
        folder => new GroupCommitInbox(new SqliteFeedbackInbox(Path.Combine(folder, "training-examples.db"))));

    [Fact]
    public async Task Feedbacks_delivered_together_share_transactions_and_each_gets_its_own_answer()
    {
        var feedbacks = Enumerable.Range(0, 64).Select(FeedbackSamples.Valid).ToList();

        var filed = await Task.WhenAll(feedbacks.Concat(feedbacks.Take(8)).Select(f => Task.Run(() => Inbox.FileAsync(f))));

        // Every feedback filed once: 64 answers "filed now", the 8 second deliveries "filed before".
        Assert.Equal(64, filed.Count(f => f));
        Assert.Equal(64, await Inbox.CountAsync());
        // One commit per feedback would be 72; a group takes everyone who arrived while the last one committed.
        Assert.True(Inbox.Groups < 36, $"{Inbox.Groups} transactions for 72 deliveries");
    }

    [Fact]
    public async Task An_invalid_feedback_is_refused_alone_and_the_valid_ones_around_it_are_filed()
    {
        var valid = Enumerable.Range(0, 16).Select(FeedbackSamples.Valid).ToList();
        var invalid = FeedbackSamples.Valid(99) with { Domain = "" };

        var deliveries = valid.Select(f => Task.Run(() => Inbox.FileAsync(f))).ToList();
        var refused = Assert.ThrowsAsync<InvalidFeedbackException>(() => Inbox.FileAsync(invalid));
        await Task.WhenAll(deliveries);
        await refused;

        Assert.All(deliveries, d => Assert.True(d.Result));
        Assert.Equal(16, await Inbox.CountAsync());
    }

    [Fact]
    public async Task After_disposal_nothing_more_is_taken()
    {
        await Inbox.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Inbox.FileAsync(FeedbackSamples.Valid(1)));
    }
}
