using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;

namespace DomainAssistant.Feedback.Tests.Filing;

public sealed class SqliteFeedbackInboxTests : IDisposable
{
    readonly TempDirectory _folder = new();
    readonly SqliteFeedbackInbox _inbox;

    public SqliteFeedbackInboxTests() => _inbox = new SqliteFeedbackInbox(_folder.File("training-examples.db"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Files_a_feedback_once_however_often_it_arrives()
    {
        var feedback = FeedbackSamples.Valid(5);

        Assert.True(await _inbox.FileAsync(feedback));
        Assert.False(await _inbox.FileAsync(feedback));
        Assert.False(await _inbox.FileAsync(feedback with { At = feedback.At.AddMinutes(1) }));

        Assert.Equal(1, await _inbox.CountAsync());
    }

    [Fact]
    public async Task Racing_deliveries_of_one_feedback_file_it_once()
    {
        var feedback = FeedbackSamples.Valid(6);

        var filed = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _inbox.FileAsync(feedback))));

        Assert.Single(filed, wasFiled => wasFiled);
        Assert.Equal(1, await _inbox.CountAsync());
    }

    [Fact]
    public async Task Keeps_the_whole_lineage_in_filing_order_for_the_trainer()
    {
        var feedbacks = Enumerable.Range(0, 6).Select(FeedbackSamples.Valid).ToList();
        foreach (var feedback in feedbacks) await _inbox.FileAsync(feedback);

        var firstPage = await _inbox.ReadAsync(0, 4);
        var secondPage = await _inbox.ReadAsync(firstPage[^1].Sequence, 4);

        var read = firstPage.Concat(secondPage).ToList();
        Assert.Equal(feedbacks.Count, read.Count);
        for (var i = 0; i < feedbacks.Count; i++) FeedbackSamples.AssertSame(feedbacks[i], read[i].Feedback);
    }

    [Fact]
    public async Task Counts_a_domains_feedback_filed_after_a_sequence()
    {
        foreach (var (n, domain) in new[] { (1, "a"), (2, "b"), (3, "a"), (4, "a") }) await _inbox.FileAsync(FeedbackSamples.Valid(n) with { Domain = domain });

        Assert.Equal<(long, long?)>((3, 4), await _inbox.CountForDomainAsync("a", 0));
        Assert.Equal<(long, long?)>((2, 4), await _inbox.CountForDomainAsync("a", 1));
        Assert.Equal<(long, long?)>((0, null), await _inbox.CountForDomainAsync("a", 4));
        Assert.Equal<(long, long?)>((1, 2), await _inbox.CountForDomainAsync("b", 0));
        Assert.Equal<(long, long?)>((0, null), await _inbox.CountForDomainAsync("c", 0));
    }

    [Fact]
    public async Task Refuses_invalid_feedback()
    {
        var feedback = FeedbackSamples.Valid(1) with { Domain = "" };

        var error = await Assert.ThrowsAsync<InvalidFeedbackException>(() => _inbox.FileAsync(feedback));

        Assert.Contains("domain must not be empty", error.Message);
        Assert.Equal(0, await _inbox.CountAsync());
    }
}
