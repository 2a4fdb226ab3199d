using System.Diagnostics;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.Feedback.Tests.Support;
using DomainAssistant.Feedback.Validation;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Feedback.Tests.Filing;

/// <summary>The consumer and its definition on MassTransit's in-memory test harness, filing into a real SQLite file.</summary>
public sealed class FeedbackSubmittedConsumerTests : IDisposable
{
    readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_same_message_delivered_twice_is_filed_once()
    {
        var inbox = new SqliteFeedbackInbox(_folder.File("training-examples.db"));
        await using var provider = HarnessWith(inbox);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var feedback = FeedbackSamples.Valid(1);

        await harness.Bus.Publish(feedback);
        await harness.Bus.Publish(feedback);

        var consumer = harness.GetConsumerHarness<FeedbackSubmittedConsumer>();
        await Eventually.HoldsAsync(() => Task.FromResult(consumer.Consumed.Select<FeedbackSubmitted>().Count() == 2),
            TimeSpan.FromSeconds(10), "both deliveries were consumed");
        Assert.Empty(harness.Published.Select<Fault<FeedbackSubmitted>>());
        var filed = await inbox.ReadAsync(0, 10);
        FeedbackSamples.AssertSame(feedback, Assert.Single(filed).Feedback);
    }

    [Fact]
    public async Task Invalid_feedback_faults_at_once_without_retries()
    {
        var inbox = new SqliteFeedbackInbox(_folder.File("training-examples.db"));
        await using var provider = HarnessWith(inbox);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var clock = Stopwatch.StartNew();

        await harness.Bus.Publish(FeedbackSamples.Valid(2) with { Rating = "meh" });

        Assert.True(await harness.Published.Any<Fault<FeedbackSubmitted>>());
        var fault = harness.Published.Select<Fault<FeedbackSubmitted>>().First().Context.Message;
        Assert.Equal(typeof(InvalidFeedbackException).FullName, fault.Exceptions[0].ExceptionType);
        // The retry intervals add up to over 20 s: a fault this early means no retry was attempted.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the fault took {clock.Elapsed}");
        Assert.Equal(0, await inbox.CountAsync());
    }

    [Fact]
    public async Task A_failure_that_passes_is_retried_until_the_feedback_is_filed()
    {
        // The inbox's folder is blocked by a file of that name: filing fails until the file goes.
        var blocker = _folder.File("blocked");
        await File.WriteAllTextAsync(blocker, "not a folder");
        var inbox = new SqliteFeedbackInbox(Path.Combine(blocker, "training-examples.db"));
        await using var provider = HarnessWith(inbox);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var feedback = FeedbackSamples.Valid(3);

        await harness.Bus.Publish(feedback);
        await Task.Delay(150);
        File.Delete(blocker);

        await Eventually.HoldsAsync(async () => await inbox.CountAsync() == 1, TimeSpan.FromSeconds(10), "a retry filed it");
    }

    [Fact]
    public async Task A_store_down_longer_than_the_retries_for_other_failures_still_files_the_feedback_once_it_is_back()
    {
        // Six failed filings: beyond the five retries any other failure gets, after which it would go to _error.
        var inbox = new UnreachableFor(6, new SqliteFeedbackInbox(_folder.File("training-examples.db")));
        await using var provider = HarnessWith(inbox);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(FeedbackSamples.Valid(4));

        await Eventually.HoldsAsync(async () => await inbox.CountAsync() == 1, TimeSpan.FromSeconds(60), "filed once the store was back");
        Assert.Equal(7, inbox.Attempts);
        Assert.False(await harness.Published.Any<Fault<FeedbackSubmitted>>());
    }

    /// <summary>An inbox whose store refuses the first <paramref name="failures"/> filings as a database server that is down would.</summary>
    sealed class UnreachableFor(int failures, IFeedbackInbox inner) : IFeedbackInbox
    {
        int _attempts;

        public int Attempts => _attempts;

        public Task<bool> FileAsync(FeedbackSubmitted feedback, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _attempts) <= failures
                ? throw new Microsoft.Data.Sqlite.SqliteException("unable to open database file", 14)
                : inner.FileAsync(feedback, cancellationToken);

        public Task<IReadOnlyList<bool>> FileManyAsync(IReadOnlyList<FeedbackSubmitted> feedbacks, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the consumer files one feedback at a time");

        public Task<IReadOnlyList<FiledFeedback>> ReadAsync(long afterSequence, int max, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(afterSequence, max, cancellationToken);

        public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public Task<(long Count, long? LastSequence)> CountForDomainAsync(string domain, long afterSequence, CancellationToken cancellationToken = default) =>
            inner.CountForDomainAsync(domain, afterSequence, cancellationToken);
    }

    static ServiceProvider HarnessWith(IFeedbackInbox inbox) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(new FeedbackBusOptions())
            .AddSingleton(inbox)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<FeedbackSubmittedConsumer, FeedbackSubmittedConsumerDefinition>())
            .BuildServiceProvider(validateScopes: true);
}
